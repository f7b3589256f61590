// The audit trail: every change of budgets, boosts, keys, prices, memberships and roles, newest first.
import { h, get, messageBox, load, field, input, table, when, orDash, utcInstant } from '../api.js';

const FILTERS = ['from', 'to', 'actor', 'entity', 'action'];

export async function render(view, { params, go }) {
  document.title = 'Audit trail · Tollgate admin';
  const box = messageBox();
  view.append(h('h1', {}, 'Audit trail'),
    h('p', { class: 'help' }, 'Who changed what, when and why. Newest first.'), filterForm(params, go), box);
  const page = await load(box, () => get('/audit', {
    from: utcInstant(params.get('from')), to: utcInstant(params.get('to')), actor: params.get('actor'),
    entity: params.get('entity'), action: params.get('action'), cursor: params.get('cursor'), limit: 50,
  }));
  if (!page) return;
  view.append(h('section', { class: 'card' }, table([
    ['When', (e) => when(e.at), 'nowrap'],
    ['Who', (e) => e.actor],
    ['What', (e) => e.action],
    ['On', (e) => `${e.entity_type}:${e.entity_id}`],
    ['Team', (e) => orDash(e.team_id)],
    ['Reason', (e) => orDash(e.reason)],
    ['Details', (e) => e.details ? h('details', { class: 'json' }, h('summary', {}, 'Show'),
      h('pre', {}, JSON.stringify(e.details, null, 2))) : '—'],
  ], page.data, 'No entries match.'), pager(params, page, go)));
}

function pager(params, page, go) {
  const current = Object.fromEntries(FILTERS.map((name) => [name, params.get(name)]));
  const pagerEl = h('div', { class: 'pager' });
  if (params.get('cursor')) {
    pagerEl.append(h('button', { type: 'button', class: 'secondary', onclick: () => history.back() }, '← Newer'),
      h('button', { type: 'button', class: 'secondary', onclick: () => go('/audit', current) }, 'Newest'));
  }
  if (page.next_cursor) {
    pagerEl.append(h('button', { type: 'button', class: 'secondary', id: 'older-audit',
      onclick: () => go('/audit', { ...current, cursor: page.next_cursor }) }, 'Older →'));
  }
  return pagerEl;
}

function filterForm(params, go) {
  const form = h('form', { class: 'grid', id: 'audit-filter' },
    field('From', h('input', { type: 'date', name: 'from', value: params.get('from') || '' })),
    field('Before', h('input', { type: 'date', name: 'to', value: params.get('to') || '' })),
    field('Who', input('actor', { value: params.get('actor') || '', placeholder: 'master, cred_…' })),
    field('On', input('entity', { value: params.get('entity') || '', placeholder: 'team:cs101, user:alice, key:key_…' })),
    field('What', input('action', { value: params.get('action') || '', placeholder: 'e.g. team.created' })),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go('/audit', Object.fromEntries(FILTERS.map((name) => [name, form.elements[name].value.trim()])));
  });
  return h('section', { class: 'card' }, form);
}
