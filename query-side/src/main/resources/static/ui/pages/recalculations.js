// Recalculations: re-costing the messages since a price correction. Nothing changes until an admin approves the
// difference; then every affected request gets an adjustment.
import {
  h, get, post, download, link, messageBox, showError, load, onSubmit, field, input, table, when, orDash, utcInstant,
} from '../api.js';

const LINES = 50;

export async function list(view, { can, go }) {
  document.title = 'Recalculations · Tollgate admin';
  const box = messageBox();
  view.append(h('h1', {}, 'Recalculations'),
    h('p', { class: 'help' }, 'After a price correction, a recalculation computes what each message should have cost. '
      + 'Nothing changes until an admin approves it.'), box);
  if (can.admin) view.append(startForm(box, go));
  const answer = await load(box, () => get('/admin/recalculations'));
  if (!answer) return;
  view.append(h('section', { class: 'card' }, h('h2', {}, 'All recalculations'), table([
    ['Recalculation', (r) => link(r.id, '/recalculations/' + encodeURIComponent(r.id))],
    ['Status', (r) => h('span', { class: 'status-' + r.status }, r.status)],
    ['Messages from', (r) => when(r.from)],
    ['Until', (r) => r.to ? when(r.to) : 'now'],
    ['Reason', (r) => orDash(r.reason)],
    ['Requested', (r) => `${when(r.requested_at)} by ${orDash(r.requested_by)}`],
    ['Difference', (r) => orDash(r.summary && r.summary.difference)],
  ], answer.data, 'No recalculations yet.')));
}

function startForm(box, go) {
  const form = h('form', { class: 'grid', id: 'start-recalculation-form' },
    field('Messages from (UTC)', h('input', { name: 'from', type: 'datetime-local', required: true })),
    field('Until (UTC)', h('input', { name: 'to', type: 'datetime-local' }), 'Empty: up to now'),
    field('Reason', input('reason', { required: true, placeholder: 'price correction of 3 March' }),
      'Required: kept in the audit trail'),
    h('button', { type: 'submit' }, 'Start recalculation'));
  onSubmit(form, box, async (v) => {
    const started = await post('/admin/recalculations', { from: utcInstant(v.from), to: utcInstant(v.to), reason: v.reason });
    go('/recalculations/' + encodeURIComponent(started.id), {}, 'Recalculation started.');
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Start a recalculation'), form);
}

export async function detail(view, { args: [id], params, can, go }) {
  document.title = `Recalculation ${id} · Tollgate admin`;
  const box = messageBox();
  const path = '/admin/recalculations/' + encodeURIComponent(id);
  view.append(h('p', {}, link('← All recalculations', '/recalculations')), h('h1', {}, `Recalculation ${id}`), box);
  const r = await load(box, () => get(path));
  if (!r) return;
  const progress = r.progress || {};
  view.append(h('section', { class: 'card' }, h('dl', { class: 'facts' },
    h('dt', {}, 'Status'), h('dd', { id: 'recalculation-status', class: 'status-' + r.status }, r.status),
    h('dt', {}, 'Progress'), h('dd', {}, h('progress', { max: progress.total || 1, value: progress.processed || 0 }),
      ` ${orDash(progress.processed)} of ${orDash(progress.total)} messages`),
    h('dt', {}, 'Messages from'), h('dd', {}, when(r.from)),
    h('dt', {}, 'Until'), h('dd', {}, r.to ? when(r.to) : 'now'),
    h('dt', {}, 'Reason'), h('dd', {}, orDash(r.reason)),
    h('dt', {}, 'Requested'), h('dd', {}, `${when(r.requested_at)} by ${orDash(r.requested_by)}`),
    r.approved_at ? [h('dt', {}, 'Approved'), h('dd', {}, `${when(r.approved_at)} by ${orDash(r.approved_by)}`)] : null,
    r.superseded_by ? [h('dt', {}, 'Superseded'), h('dd', { id: 'recalculation-superseded' },
      `${when(r.superseded_at)} by the approval of `, link(r.superseded_by, '/recalculations/' + encodeURIComponent(r.superseded_by)),
      ': its lines compare with costs that approval corrected, so it can no longer be approved. Start a new recalculation.')] : null)));
  if (r.status === 'running') {
    // Follow the progress while this page is shown.
    setTimeout(() => { if (view.isConnected) go('/recalculations/' + encodeURIComponent(id), Object.fromEntries(params)); }, 1500);
  }
  if (r.summary) {
    const s = r.summary;
    view.append(h('section', { class: 'card' }, h('h2', {}, 'Difference'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Messages re-costed'), h('dd', {}, String(s.scanned)),
        h('dt', {}, 'Messages whose cost changes'), h('dd', { id: 'recalculation-messages' }, String(s.messages)),
        h('dt', {}, 'Charged so far'), h('dd', {}, s.old_total),
        h('dt', {}, 'With the corrected prices'), h('dd', {}, s.new_total),
        h('dt', {}, 'Difference'), h('dd', { id: 'recalculation-difference' }, s.difference)),
      h('h3', {}, 'By team'),
      table([['Team', (t) => t.team_id], ['Messages', (t) => String(t.messages)], ['Charged so far', (t) => t.old_total],
        ['Corrected', (t) => t.new_total], ['Difference', (t) => t.difference]], s.teams || [], 'No team is affected.')));
  }
  if (can.admin && r.status === 'ready') view.append(approveForm(path, id, box, go));
  if (r.status !== 'running') await lines(view, path, id, params, go);
}

function approveForm(path, id, box, go) {
  const form = h('form', { class: 'grid', id: 'approve-form' },
    field('Reason', input('reason', { required: true, placeholder: 'checked with the supplier invoice' }),
      'Required: kept in the audit trail'),
    h('button', { type: 'submit', class: 'danger' }, 'Approve'));
  onSubmit(form, box, async (v) => {
    await post(path + '/approve', { reason: v.reason });
    go('/recalculations/' + encodeURIComponent(id), {}, 'Approved: the adjustments are recorded.');
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Approve'),
    h('p', { class: 'help' }, 'Approving records an adjustment for every message with a difference. Budgets and '
      + 'reports follow; the original charges stay in the history.'), form);
}

async function lines(view, path, id, params, go) {
  const box = messageBox();
  const offset = Number(params.get('offset') || 0);
  const card = h('section', { class: 'card' }, h('h2', {}, 'Messages'), box);
  view.append(card);
  const answer = await load(box, () => get(path + '/lines', { limit: LINES, offset }));
  card.append(h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try { await download(path + '/lines?format=csv', `${id}-lines.csv`); } catch (e) { showError(box, e); }
  } }, 'Download all lines as CSV')));
  if (!answer) return;
  card.append(table([
    ['Request', (l) => h('code', {}, l.request_id)],
    ['Started', (l) => when(l.started_at), 'nowrap'],
    ['Team', (l) => orDash(l.team_id)],
    ['User', (l) => orDash(l.user_id)],
    ['Model', (l) => orDash(l.model)],
    ['Charged', (l) => l.old_cost],
    ['Corrected', (l) => l.new_cost],
    ['Difference', (l) => l.difference],
  ], answer.data, 'No messages.'));
  const pager = h('div', { class: 'pager' });
  const to = (o) => go('/recalculations/' + encodeURIComponent(id), { offset: o || undefined });
  if (offset > 0) pager.append(h('button', { type: 'button', class: 'secondary', onclick: () => to(Math.max(0, offset - LINES)) }, '← Previous'));
  if (answer.data.length === LINES) pager.append(h('button', { type: 'button', class: 'secondary', onclick: () => to(offset + LINES) }, 'Next →'));
  card.append(pager);
}
