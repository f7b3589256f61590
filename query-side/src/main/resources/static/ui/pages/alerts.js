// Alerts: thresholds on budgets (team, user, key, tag cohort), the alerts they raised, webhook endpoints and their
// delivery log (dead letters can be sent again).
import {
  h, get, post, del, link, messageBox, load, onSubmit, field, input, select, table, when, orDash, showOk,
  confirmWithReason,
} from '../api.js';

export async function render(view, { params, can, go }) {
  document.title = 'Alerts · Tollgate admin';
  const box = messageBox();
  view.append(h('h1', {}, 'Alerts'),
    h('p', { class: 'help' }, 'A threshold warns before a budget refuses: at a share of its limit (boosts included), '
      + 'or when its pace runs it out before the period ends. Each is recorded once per period and sent to the '
      + 'webhooks of its team.'),
    box);
  if (can.write) view.append(thresholdForm(box, go));
  const thresholds = await load(box, () => get('/admin/thresholds'));
  if (thresholds) {
    view.append(h('section', { class: 'card' }, h('h2', {}, `Thresholds (${thresholds.data.length})`), table([
      ['Team', (t) => link(t.team_id, '/teams/' + encodeURIComponent(t.team_id))],
      ['Threshold', (t) => h('code', {}, t.id)],
      ['Watches', (t) => t.scope === 'team' ? 'the team' : `${t.scope} ${t.subject}`],
      ['When', (t) => t.kind === 'run_out' ? 'projected to run out before the period ends' : `${t.percent} % used`],
      ['Set by', (t) => orDash(t.set_by)],
      ['Reason', (t) => orDash(t.reason)],
      ['', (t) => can.manage(t.team_id) ? confirmWithReason('Remove…', 'Remove threshold', true, box, async (reason) => {
        await del('/admin/thresholds/' + encodeURIComponent(t.team_id) + '/' + encodeURIComponent(t.id), { reason });
        go('/alerts', {}, `Threshold ${t.id} removed.`);
      }) : ''],
    ], thresholds.data, 'No thresholds yet.')));
  }
  const alerts = await load(box, () => get('/admin/alerts', { limit: 50 }));
  if (alerts) {
    view.append(h('section', { class: 'card', id: 'alerts' }, h('h2', {}, 'Recent alerts'), table([
      ['At', (a) => when(a.at), 'nowrap'],
      ['Team', (a) => a.team_id],
      ['Account', (a) => a.account === 'team' ? 'team' : `${a.account} ${a.user_id || a.key_id}`],
      ['Threshold', (a) => a.kind === 'run_out' ? `${a.threshold_id} (runs out ${when(a.projected_run_out)})`
        : `${a.threshold_id} (${a.percent} %)`],
      ['Spent / limit', (a) => `${a.spent} / ${a.effective_limit}`],
      ['Cause', (a) => a.cause],
    ], alerts.data, 'No threshold crossed yet.')));
  }
  if (can.write) view.append(webhookForm(box, go));
  const endpoints = await load(box, () => get('/admin/webhooks'));
  if (endpoints) {
    view.append(h('section', { class: 'card' }, h('h2', {}, 'Webhooks'), table([
      ['Endpoint', (e) => h('code', {}, e.id)],
      ['URL', (e) => e.url],
      ['Teams', (e) => e.teams.length ? e.teams.join(', ') : 'every team'],
      ['Secret', (e) => h('code', {}, e.secret_fingerprint + '…')],
      ['', (e) => (e.teams.length ? e.teams.every((t) => can.manage(t)) : can.admin)
        ? confirmWithReason('Remove…', 'Remove webhook', true, box, async (reason) => {
          await del('/admin/webhooks/' + encodeURIComponent(e.id), { reason });
          go('/alerts', {}, `Webhook ${e.id} removed.`);
        }) : ''],
    ], endpoints.data, 'No webhooks: alerts are only listed here.')));
  }
  const state = params.get('state') || '';
  const filter = h('form', { class: 'grid', id: 'delivery-filter' },
    field('Show', select('state', [['', 'every delivery'], ['pending', 'pending'], ['delivered', 'delivered'],
      ['dead', 'dead letters']], state)),
    h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    go('/alerts', { state: filter.elements.state.value });
  });
  const deliveries = await load(box, () => get('/admin/webhooks/deliveries', { state, limit: 100 }));
  if (deliveries) {
    view.append(h('section', { class: 'card', id: 'delivery-log' }, h('h2', {}, 'Delivery log'), filter, table([
      ['#', (d) => String(d.id)],
      ['Alert', (d) => h('code', {}, d.alert_id)],
      ['Endpoint', (d) => d.endpoint_id],
      ['State', (d) => h('span', { class: 'status-' + d.state }, d.state)],
      ['Attempts', (d) => h('span', { title: d.log.map((a) => `${a.at}: ${a.status ?? a.error}`).join('\n') },
        d.log.map((a) => a.status ?? 'failed').join(' → ') || '—')],
      ['Last error', (d) => orDash(d.last_error)],
      ['Next attempt', (d) => d.state === 'pending' ? when(d.next_attempt_at) : '—', 'nowrap'],
      ['', (d) => can.manage(d.team_id) && d.state !== 'pending'
        ? h('button', { type: 'button', class: 'secondary', onclick: async () => {
          try {
            await post('/admin/webhooks/deliveries/' + d.id + '/redeliver');
            go('/alerts', Object.fromEntries(params), `Delivery ${d.id} will be sent again.`);
          } catch (e) { box.replaceChildren(h('div', { class: 'message error' }, e.message)); }
        } }, 'Send again') : ''],
    ], deliveries.data, 'Nothing delivered yet.')));
  }
}

function thresholdForm(box, go) {
  const form = h('form', { class: 'grid', id: 'threshold-form' },
    field('Team', input('team_id', { placeholder: 'cs101' }), 'Empty for a tag: every team with a member carrying it'),
    field('Watches', select('scope', [['team', 'the team'], ['user', 'a user'], ['key', 'a key'], ['tag', 'a tag cohort']],
      'user')),
    field('User, key or tag', input('subject', { placeholder: 'alice' }), 'Empty for the team itself'),
    field('When', select('kind', [['percent', 'a share of the limit is used'], ['run_out', 'projected to run out']],
      'percent')),
    field('Percent', input('percent', { inputmode: 'numeric', value: '80' }), 'Of the limit plus active boosts'),
    field('Reason', input('reason', { required: true, placeholder: 'warn before the exam' }), 'Required: kept in the audit trail'),
    h('button', { type: 'submit' }, 'Set threshold'));
  onSubmit(form, box, async (v) => {
    const body = { scope: v.scope, kind: v.kind, reason: v.reason };
    if (v.team_id) body.team_id = v.team_id;
    if (v.subject) body.subject = v.subject;
    if (v.kind === 'percent') body.percent = Number(v.percent);
    const set = await post('/admin/thresholds', body);
    go('/alerts', {}, `Threshold ${set.id} set on ${set.thresholds.length} team(s).`);
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Set a threshold'), form);
}

function webhookForm(box, go) {
  const form = h('form', { class: 'grid', id: 'webhook-form' },
    field('URL', input('url', { required: true, placeholder: 'https://hooks.example.edu/tollgate' })),
    field('Teams', input('teams', { placeholder: 'cs101, cs102' }), 'Separated by commas; empty: every team (admins)'),
    field('Reason', input('reason', { required: true, placeholder: 'course office alerts' })),
    h('button', { type: 'submit' }, 'Add webhook'));
  onSubmit(form, box, async (v) => {
    const teams = (v.teams || '').split(',').map((t) => t.trim()).filter(Boolean);
    const made = await post('/admin/webhooks', { url: v.url, teams, reason: v.reason });
    showOk(box, `Webhook ${made.endpoint.id} added. Its signing secret, shown only now: `,
      h('code', { id: 'webhook-secret' }, made.secret));
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Add a webhook'), form);
}
