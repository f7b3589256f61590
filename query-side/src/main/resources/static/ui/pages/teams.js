// Teams: the list, creating a team, and a team's page (live budget, members, registering and tagging users).
import {
  h, get, post, put, link, messageBox, load, onSubmit, field, input, select, periodSelect, budgetFrom,
  table, budgetText, orDash, when,
} from '../api.js';

export async function list(view, { can, go }) {
  document.title = 'Teams · Tollgate admin';
  const box = messageBox();
  view.append(h('h1', {}, 'Teams'), box);
  if (can.admin) view.append(createForm(box, go));
  const answer = await load(box, () => get('/admin/teams'));
  if (!answer) return;
  view.append(h('section', { class: 'card' }, h('h2', {}, `All teams (${answer.data.length})`),
    table([
      ['Team', (t) => link(t.name === t.id ? t.id : `${t.name} (${t.id})`, '/teams/' + encodeURIComponent(t.id))],
      ['Budget', (t) => budgetText(t.budget)],
      ['Each member', (t) => budgetText(t.member_budget)],
      ['Members', (t) => String(t.members)],
      ['Spent this period', (t) => orDash(t.live && t.live.spent)],
      ['Remaining', (t) => t.live ? (t.live.remaining ?? 'unlimited') : '—'],
    ], answer.data, 'No teams yet.')));
}

function createForm(box, go) {
  const form = h('form', { class: 'grid', id: 'create-team-form' },
    field('Team id', input('id', { placeholder: 'cs101', required: true }), 'Letters, digits and . _ @ : + -'),
    field('Name', input('name', { placeholder: 'CS 101: Programming' })),
    h('fieldset', {}, h('legend', {}, 'Team budget'),
      field('Limit', input('budget_limit', { placeholder: 'e.g. 100', inputmode: 'decimal' }), 'Empty: no limit'),
      field('Period', periodSelect('budget_period'))),
    h('fieldset', {}, h('legend', {}, 'Budget of each member'),
      field('Limit', input('member_limit', { placeholder: 'e.g. 5', inputmode: 'decimal' }), 'Empty: no limit'),
      field('Period', periodSelect('member_period'))),
    field('When a request does not fit', select('over_budget_policy', [
      ['clamp', 'shorten the answer to what fits'], ['reject', 'refuse the request']])),
    field('Reason', input('reason', { placeholder: 'autumn term' }), 'Kept in the audit trail'),
    h('button', { type: 'submit' }, 'Create team'));
  onSubmit(form, box, async (v) => {
    const team = await post('/admin/teams', {
      id: v.id, name: v.name || undefined, budget: budgetFrom(v, 'budget'), member_budget: budgetFrom(v, 'member'),
      over_budget_policy: v.over_budget_policy, reason: v.reason || undefined,
    });
    go('/teams', {}, `Team ${team.id} created.`);
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Create a team'), form);
}

export async function detail(view, { args: [teamId], can, go }) {
  document.title = `Team ${teamId} · Tollgate admin`;
  const box = messageBox();
  view.append(h('p', {}, link('← All teams', '/teams')), h('h1', {}, `Team ${teamId}`), box);
  const [team, live, users] = await Promise.all([
    load(box, () => get('/admin/teams/' + encodeURIComponent(teamId))),
    load(box, () => get('/budgets/teams/' + encodeURIComponent(teamId))),
    load(box, () => get('/admin/users', { team_id: teamId })),
  ]);
  if (!team) return;
  const manage = can.manage(teamId);
  view.append(h('section', { class: 'card' }, h('h2', {}, team.name),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Budget'), h('dd', {}, budgetText(team.budget)),
      h('dt', {}, 'Each member'), h('dd', {}, budgetText(team.member_budget)),
      h('dt', {}, 'When a request does not fit'), h('dd', {}, team.over_budget_policy === 'reject'
        ? 'refuse it' : 'shorten the answer to what fits'),
      live ? [
        h('dt', {}, 'Boosts now'), h('dd', {}, orDash(live.boosts)),
        h('dt', {}, 'Spent this period'), h('dd', {}, live.spent),
        h('dt', {}, 'Reserved by requests in flight'), h('dd', {}, live.reserved),
        h('dt', {}, 'Charged beyond reservations (overrun)'), h('dd', {}, orDash(live.overrun)),
        h('dt', {}, 'Remaining'), h('dd', { id: 'team-remaining' }, live.remaining ?? 'unlimited'),
        h('dt', {}, 'Period'), h('dd', {}, `${when(live.period_start)} to ${live.period_end ? when(live.period_end) : 'never resets'}`),
        h('dt', {}, 'Burn rate (last 7 days)'), h('dd', { id: 'team-burn-rate' },
          live.forecast && live.forecast.burn_rate ? `${live.forecast.burn_rate} per day` : '—'),
        h('dt', {}, 'Runs out at this rate'), h('dd', { id: 'team-run-out' }, forecastText(live)),
      ] : null),
    h('p', {}, link('Keys of this team', '/keys', { team_id: teamId }), ' · ',
      link('Spend of this team', '/spend', { team_id: teamId }), ' · ',
      link('Boosts of this team', '/boosts', { target: 'team:' + teamId }))));
  if (manage) view.append(budgetForm(team, box, go));
  view.append(await keyPolicyCard(teamId, manage, box, go));
  if (!users) return;
  const members = users.data.filter((u) => !u.removed_at);
  const selected = new Set();
  const columns = [
    ['User', (u) => h('span', {}, u.id, u.name ? h('br') : null, u.name ? h('small', {}, u.name) : null)],
    ['Tags', (u) => (u.tags || []).length ? u.tags.map((t) => h('span', { class: 'tag' }, t)) : '—'],
    ['Budget', (u) => u.budget ? budgetText(u.budget) + ' (own)' : budgetText(team.member_budget) + ' (team default)'],
    ['Boosts now', (u) => orDash(u.live && u.live.boosts)],
    ['Spent this period', (u) => orDash(u.live && u.live.spent)],
    ['Remaining', (u) => u.live ? (u.live.remaining ?? 'unlimited') : '—'],
    ['Burn rate / day', (u) => orDash(u.live && u.live.forecast && u.live.forecast.burn_rate)],
    ['Runs out', (u) => u.live ? forecastText(u.live) : '—'],
  ];
  if (manage) {
    columns.unshift(['', (u) => h('input', { type: 'checkbox', 'aria-label': 'Select ' + u.id, 'data-user': u.id,
      onchange: (e) => (e.target.checked ? selected.add(u.id) : selected.delete(u.id)) })]);
  }
  view.append(h('section', { class: 'card' }, h('h2', {}, `Members (${members.length})`),
    manage ? tagForm(members, selected, box, go, teamId) : null,
    table(columns, members, 'No members yet.')));
  if (manage) view.append(registerForm(teamId, box, go));
}

function budgetForm(team, box, go) {
  const form = h('form', { class: 'grid', id: 'team-budget-form' },
    field('New limit', input('limit', { placeholder: (team.budget && team.budget.limit) || 'e.g. 100', inputmode: 'decimal' }),
      'Empty: no limit'),
    field('Period', periodSelect('period', (team.budget && team.budget.period) || 'monthly')),
    field('Reason', input('reason', { required: true, placeholder: 'extra funding' }), 'Required: kept in the audit trail'),
    h('button', { type: 'submit' }, 'Change budget'));
  onSubmit(form, box, async (v) => {
    await put(`/admin/teams/${encodeURIComponent(team.id)}/budget`, v.limit
      ? { limit: v.limit, period: v.period, reason: v.reason } : { unlimited: true, period: v.period, reason: v.reason });
    go('/teams/' + encodeURIComponent(team.id), {}, 'Budget changed.');
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Change the team budget'), form);
}

/** What members may do with the keys they make themselves in the portal (/portal). */
async function keyPolicyCard(teamId, manage, box, go) {
  let policy = null;
  try {
    policy = await get(`/admin/teams/${encodeURIComponent(teamId)}/key-policy`);
  } catch (e) {
    if (e.status !== 404) throw e;
  }
  const text = policy
    ? [`at most ${policy.max_keys} key(s) per member`,
      policy.max_expiry_days ? `living at most ${policy.max_expiry_days} days` : 'that may never expire',
      policy.allowed_models.length ? `for ${policy.allowed_models.join(', ')}` : 'for every model',
      policy.requests_per_minute ? `${policy.requests_per_minute} requests/minute` : null,
      policy.tokens_per_minute ? `${policy.tokens_per_minute} tokens/minute` : null].filter(Boolean).join(', ')
      + ` (set by ${policy.set_by}, ${when(policy.set_at)})`
    : 'The configured default (tollgate.portal): no policy of its own.';
  const section = h('section', { class: 'card' }, h('h2', {}, 'Keys members make in the portal'),
    h('p', { id: 'key-policy' }, text));
  if (!manage) return section;
  const form = h('form', { class: 'grid', id: 'key-policy-form' },
    field('Most keys per member', input('max_keys', { type: 'number', min: 0, required: true,
      value: policy ? policy.max_keys : 3 })),
    field('Longest life (days)', input('max_expiry_days', { type: 'number', min: 1,
      value: policy && policy.max_expiry_days ? policy.max_expiry_days : '' }), 'Empty: keys may never expire'),
    field('Models', input('allowed_models', { placeholder: 'gpt-4o-mini, gpt-4o',
      value: policy ? policy.allowed_models.join(', ') : '' }), 'Comma-separated; empty: every model'),
    field('Requests/minute', input('requests_per_minute', { type: 'number', min: 1,
      value: policy && policy.requests_per_minute ? policy.requests_per_minute : '' })),
    field('Tokens/minute', input('tokens_per_minute', { type: 'number', min: 1,
      value: policy && policy.tokens_per_minute ? policy.tokens_per_minute : '' })),
    field('Reason', input('reason', { required: true, placeholder: 'term rules' }), 'Required: kept in the audit trail'),
    h('button', { type: 'submit' }, 'Set key policy'));
  onSubmit(form, box, async (v) => {
    const number = (x) => (x ? Number(x) : undefined);
    await put(`/admin/teams/${encodeURIComponent(teamId)}/key-policy`, {
      max_keys: Number(v.max_keys), max_expiry_days: number(v.max_expiry_days),
      allowed_models: v.allowed_models ? v.allowed_models.split(',').map((m) => m.trim()).filter(Boolean) : [],
      requests_per_minute: number(v.requests_per_minute), tokens_per_minute: number(v.tokens_per_minute),
      reason: v.reason,
    });
    go('/teams/' + encodeURIComponent(teamId), {}, 'Key policy set.');
  });
  section.append(form);
  return section;
}

function tagForm(members, selected, box, go, teamId) {
  const tag = input('tag', { placeholder: 'course:cs101', 'aria-label': 'Tag' });
  const form = h('form', { class: 'inline', id: 'tag-form' }, h('span', {}, 'Tag the selected members:'), tag,
    h('button', { type: 'submit', name: 'add', value: 'add' }, 'Add tag'),
    h('button', { type: 'submit', name: 'remove', value: 'remove', class: 'secondary' }, 'Remove tag'));
  onSubmit(form, box, async (v, submitter) => {
    if (!v.tag) throw new Error('Type a tag first, such as course:cs101.');
    if (selected.size === 0) throw new Error('Select at least one member with the boxes on the left.');
    const adding = !submitter || submitter.value !== 'remove';
    for (const user of members.filter((u) => selected.has(u.id))) {
      const tags = new Set(user.tags || []);
      if (adding) tags.add(v.tag); else tags.delete(v.tag);
      await put(`/admin/users/${encodeURIComponent(user.id)}/tags`, { tags: [...tags],
        reason: (adding ? 'tagged ' : 'untagged ') + v.tag });
    }
    go('/teams/' + encodeURIComponent(teamId), {}, `Tag ${v.tag} ${adding ? 'added to' : 'removed from'} ${selected.size} member(s).`);
  });
  return h('p', {}, form);
}

function registerForm(teamId, box, go) {
  const form = h('form', { class: 'grid', id: 'register-user-form' },
    field('User id', input('id', { placeholder: 'alice', required: true }), 'Unique across all teams'),
    field('Name', input('name', { placeholder: 'Alice Example' })),
    field('Name in requests', input('external_id', { placeholder: 'alice@uni.example' }),
      "What a team key's 'user' field calls them; the id when empty"),
    field('Tags', input('tags', { placeholder: 'course:cs101, year:2' }), 'Comma-separated'),
    h('fieldset', {}, h('legend', {}, 'Own budget'),
      field('Limit', input('budget_limit', { placeholder: 'e.g. 20', inputmode: 'decimal' }),
        "Empty: the team's member budget"),
      field('Period', periodSelect('budget_period'))),
    h('button', { type: 'submit' }, 'Register user'));
  onSubmit(form, box, async (v) => {
    await post('/admin/users', {
      id: v.id, team_id: teamId, name: v.name || undefined, external_id: v.external_id || undefined,
      budget: budgetFrom(v, 'budget'),
      tags: v.tags ? v.tags.split(',').map((t) => t.trim()).filter(Boolean) : undefined,
    });
    go('/teams/' + encodeURIComponent(teamId), {}, `User ${v.id} registered.`);
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Register a user in this team'), form);
}

/** When a budget runs out at its pace of the last 7 days (docs/reports.md, "Forecast"). */
function forecastText(live) {
  const f = live.forecast;
  if (!f || live.effective_limit === null || live.effective_limit === undefined) return '—';
  if (!f.projected_run_out) return f.burn_rate === null ? 'too early to tell' : 'not at this rate';
  const at = when(f.projected_run_out);
  return f.runs_out_before_period_end === false ? `${at} (after the period ends)` : at;
}
