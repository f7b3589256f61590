// Boosts: time-boxed extra budget for a team, a user, or a cohort (a list of users, or everyone with a tag).
import {
  h, get, post, del, link, messageBox, load, onSubmit, field, input, select, table, when, orDash, utcInstant,
  utcInputValue, confirmWithReason,
} from '../api.js';

export async function render(view, { params, can, go }) {
  document.title = 'Boosts · Tollgate admin';
  const box = messageBox();
  view.append(h('h1', {}, 'Boosts'),
    h('p', { class: 'help' }, 'A boost adds an amount to a budget for a while: for a team, a user, or a group of users.'),
    box);
  if (can.write) view.append(grantForm(box, go));
  view.append(filterForm(params, go));
  const filter = { target: params.get('target'), active_at: utcInstant(params.get('active_at')) };
  const answer = await load(box, () => get('/admin/boosts', filter));
  if (!answer) return;
  const boosts = group(answer.data);
  // A cohort's decision says how its members were chosen (tag:… or a list).
  await Promise.all(boosts.filter((b) => b.cohort).map(async (b) => {
    try { b.selector = (await get('/admin/boosts/' + encodeURIComponent(b.id))).cohort.selector; } catch { /* shown as cohort */ }
  }));
  view.append(h('section', { class: 'card' }, h('h2', {}, `Boosts (${boosts.length})`), table([
    ['Boost', (b) => h('code', {}, b.id)],
    ['For', (b) => describe(b)],
    ['Members', (b) => b.cohort ? h('span', { class: 'members' }, b.rows.map((r) => h('span', { class: 'tag' }, r.user_id))) : '—'],
    ['Amount each', (b) => b.first.amount],
    ['From', (b) => when(b.first.starts_at), 'nowrap'],
    ['Until', (b) => when(b.first.ends_at), 'nowrap'],
    ['Status', (b) => h('span', { class: 'status-' + b.status }, b.status)],
    ['Reason', (b) => orDash(b.first.reason)],
    ['Granted by', (b) => orDash(b.first.granted_by)],
    ['', (b) => b.rows.every((r) => can.manage(r.team_id)) && (b.status === 'active' || b.status === 'scheduled')
      ? confirmWithReason('Revoke…', 'Revoke boost', true, box, async (reason) => {
        await del('/admin/boosts/' + encodeURIComponent(b.id), { reason });
        go('/boosts', Object.fromEntries(params), `Boost ${b.id} revoked.`);
      }) : ''],
  ], boosts, 'No boosts match.')));
}

/** One entry per boost: the API lists one row per boosted account. */
function group(rows) {
  const byId = new Map();
  for (const row of rows) {
    if (!byId.has(row.id)) byId.set(row.id, { id: row.id, first: row, rows: [], cohort: !!row.cohort_id });
    byId.get(row.id).rows.push(row);
  }
  for (const b of byId.values()) {
    const statuses = [...new Set(b.rows.map((r) => r.status))];
    b.status = statuses.join(', ');
  }
  return [...byId.values()];
}

function describe(b) {
  if (b.cohort) {
    const how = b.selector && b.selector.startsWith('tag:') ? `everyone tagged ${b.selector.slice(4)}` : 'a list of users';
    return `${b.rows.length} users (${how})`;
  }
  return b.first.user_id
    ? h('span', {}, 'user ', link(b.first.user_id, '/teams/' + encodeURIComponent(b.first.team_id)))
    : h('span', {}, 'team ', link(b.first.team_id, '/teams/' + encodeURIComponent(b.first.team_id)));
}

function grantForm(box, go) {
  const inAWeek = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  const form = h('form', { class: 'grid', id: 'grant-boost-form' },
    field('Who', select('kind', [['team', 'a team'], ['user', 'a user'], ['users', 'a list of users'],
      ['tag', 'everyone with a tag']], 'team')),
    field('Team id, user id, user ids or tag', input('who', { required: true, placeholder: 'cs101' }),
      'For a list: user ids separated by commas. For a tag: e.g. course:cs101'),
    field('Amount', input('amount', { required: true, placeholder: 'e.g. 5', inputmode: 'decimal' }),
      'Added to each budget while the boost runs'),
    field('Starts (UTC)', h('input', { name: 'starts_at', type: 'datetime-local' }), 'Empty: now'),
    field('Ends (UTC)', h('input', { name: 'ends_at', type: 'datetime-local', required: true,
      value: utcInputValue(inAWeek) })),
    field('Reason', input('reason', { required: true, placeholder: 'exam week' }), 'Required: kept in the audit trail'),
    h('button', { type: 'submit' }, 'Grant boost'));
  const who = form.elements.who;
  form.elements.kind.addEventListener('change', (e) => {
    who.placeholder = { team: 'cs101', user: 'alice', users: 'alice, bob', tag: 'course:cs101' }[e.target.value];
  });
  onSubmit(form, box, async (v) => {
    const body = { amount: v.amount, starts_at: utcInstant(v.starts_at), ends_at: utcInstant(v.ends_at), reason: v.reason };
    if (v.kind === 'users') {
      body.target = 'users';
      body.user_ids = v.who.split(',').map((u) => u.trim()).filter(Boolean);
    } else {
      body.target = v.kind + ':' + v.who;
    }
    const granted = await post('/admin/boosts', body);
    go('/boosts', {}, `Boost ${granted.id} granted to ${granted.accounts.length} account(s).`);
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Grant a boost'), form);
}

function filterForm(params, go) {
  const form = h('form', { class: 'grid', id: 'boost-filter' },
    field('Target', input('target', { value: params.get('target') || '', placeholder: 'team:cs101' }),
      'team:<id>, user:<id> or cohort:<boost id>; empty: all'),
    field('Active at (UTC)', h('input', { name: 'active_at', type: 'datetime-local', value: params.get('active_at') || '' }),
      'Empty: any time'),
    h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go('/boosts', { target: form.elements.target.value.trim(), active_at: form.elements.active_at.value });
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Find boosts'), form);
}
