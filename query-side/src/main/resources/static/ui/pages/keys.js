// API keys: issue (for a user or a team, with models, expiry, rate limits and a budget), rotate, revoke. A new
// secret is shown once, in a box the user dismisses.
import {
  h, get, post, del, link, messageBox, load, onSubmit, field, input, select, periodSelect, budgetFrom, table, when,
  orDash, utcInstant, budgetText, confirmWithReason,
} from '../api.js';

let pending = null; // a new secret to show on the next render of this page: [secret, what]

export async function render(view, { params, can, go }) {
  document.title = 'Keys · Tollgate admin';
  const box = messageBox();
  const secretSpot = h('div');
  view.append(h('h1', {}, 'API keys'),
    h('p', { class: 'help' }, 'People and applications use these keys with any OpenAI-compatible tool.'),
    box, secretSpot);
  if (pending) {
    showSecret(secretSpot, ...pending);
    pending = null;
  }
  const filter = { team_id: params.get('team_id'), user_id: params.get('user_id') };
  if (can.write) view.append(issueForm(box, filter, go));
  view.append(filterForm(filter, go));
  const answer = await load(box, () => get('/admin/keys', filter));
  if (!answer) return;
  const reload = (message) => go('/keys', filter, message);
  view.append(h('section', { class: 'card' }, h('h2', {}, `Keys (${answer.data.length})`), table([
    ['Name', (k) => h('span', {}, orDash(k.name), h('br'), h('code', {}, k.id))],
    ['Starts with', (k) => h('code', {}, k.display_prefix + '…')],
    ['Owner', (k) => k.user_id ? h('span', {}, 'user ', k.user_id) : 'the team (team key)'],
    ['Team', (k) => link(k.team_id, '/teams/' + encodeURIComponent(k.team_id))],
    ['Models', (k) => k.allowed_models && k.allowed_models.length ? k.allowed_models.join(', ') : 'all'],
    ['Limits', (k) => [k.requests_per_minute ? `${k.requests_per_minute} requests/min` : null,
      k.tokens_per_minute ? `${k.tokens_per_minute} tokens/min` : null].filter(Boolean).join(', ') || '—'],
    ['Own budget', (k) => k.budget ? budgetText(k.budget) : '—'],
    ['Expires', (k) => k.expires_at ? when(k.expires_at) : 'never'],
    ['Created', (k) => `${when(k.created_at)} by ${k.created_by}`],
    ['Status', (k) => k.revoked_at
      ? h('span', { class: 'status-revoked' }, `revoked ${when(k.revoked_at)}${k.revoke_reason ? ': ' + k.revoke_reason : ''}`)
      : h('span', { class: 'status-active' }, 'active')],
    ['', (k) => k.revoked_at || !can.manage(k.team_id) ? '' : h('span', {},
      confirmWithReason('Rotate…', 'Rotate key', false, box, async (reason) => {
        const rotated = await post(`/admin/keys/${encodeURIComponent(k.id)}/rotate`, { reason: reason || undefined });
        pending = [rotated.key, `Key ${k.id} has a new secret; the old one no longer works.`];
        reload();
      }),
      ' ',
      confirmWithReason('Revoke…', 'Revoke key', false, box, async (reason) => {
        await del('/admin/keys/' + encodeURIComponent(k.id), { reason });
        reload(`Key ${k.id} revoked.`);
      }))],
  ], answer.data, 'No keys match.')));
}

/** The secret, shown once: it stays until dismissed (even if the list below is refreshed). */
function showSecret(spot, secret, what) {
  const code = h('code', { id: 'new-secret' }, secret);
  const copy = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try { await navigator.clipboard.writeText(secret); copy.textContent = 'Copied'; } catch { copy.textContent = 'Select and copy it by hand'; }
  } }, 'Copy');
  spot.replaceChildren(h('div', { class: 'secret', role: 'status' },
    h('strong', {}, what), h('br'),
    'Copy the key now and give it to its owner: Tollgate keeps only a fingerprint and cannot show it again.',
    code, copy, ' ',
    h('button', { type: 'button', id: 'dismiss-secret', onclick: () => spot.replaceChildren() }, 'I have copied it, hide it')));
}

function issueForm(box, filter, go) {
  const form = h('form', { class: 'grid', id: 'issue-key-form' },
    field('For', select('owner', [['user', 'a user'], ['team', 'a team (team key for an application)']],
      filter.user_id || !filter.team_id ? 'user' : 'team')),
    field('User or team id', input('owner_id', { required: true, value: filter.user_id || filter.team_id || '',
      placeholder: 'alice' })),
    field('Name', input('name', { placeholder: "Alice's laptop" })),
    field('Models', input('allowed_models', { placeholder: 'all' }), 'Model names separated by commas; empty: all'),
    field('Expires (UTC)', h('input', { name: 'expires_at', type: 'datetime-local' }), 'Empty: never'),
    field('Requests per minute', input('rpm', { inputmode: 'numeric', placeholder: 'no limit' })),
    field('Tokens per minute', input('tpm', { inputmode: 'numeric', placeholder: 'no limit' })),
    h('fieldset', {}, h('legend', {}, "Key's own budget"),
      field('Limit', input('budget_limit', { placeholder: 'e.g. 5', inputmode: 'decimal' }), 'Empty: none'),
      field('Period', periodSelect('budget_period'))),
    h('button', { type: 'submit' }, 'Issue key'));
  onSubmit(form, box, async (v) => {
    const models = v.allowed_models ? v.allowed_models.split(',').map((m) => m.trim()).filter(Boolean) : undefined;
    const issued = await post('/admin/keys', {
      [v.owner === 'team' ? 'team_id' : 'user_id']: v.owner_id, name: v.name || undefined, allowed_models: models,
      expires_at: utcInstant(v.expires_at), requests_per_minute: v.rpm ? Number(v.rpm) : undefined,
      tokens_per_minute: v.tpm ? Number(v.tpm) : undefined, budget: budgetFrom(v, 'budget'),
    });
    pending = [issued.key, `Key ${issued.id} issued${issued.ready === false ? ' (it will work in a moment)' : ''}.`];
    go('/keys', filter);
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Issue a key'), form);
}

function filterForm(filter, go) {
  const form = h('form', { class: 'grid', id: 'key-filter' },
    field('Team id', input('team_id', { value: filter.team_id || '' })),
    field('User id', input('user_id', { value: filter.user_id || '' })),
    h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go('/keys', { team_id: form.elements.team_id.value.trim(), user_id: form.elements.user_id.value.trim() });
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Find keys'), form);
}
