// Prices: the price book in force now, its versions, and publishing a change (admins). A change dated in the
// past corrects the prices since then and starts a recalculation.
import {
  h, get, put, post, link, messageBox, load, onSubmit, field, input, select, table, when, orDash, utcInstant,
} from '../api.js';

const COLUMNS = [['input', 'Input'], ['cached_input', 'Cached input'], ['output', 'Output'],
  ['reasoning', 'Reasoning'], ['per_image', 'Per image'], ['per_request', 'Per request']];

export async function render(view, { can, go }) {
  document.title = 'Prices · Tollgate admin';
  const box = messageBox();
  view.append(h('h1', {}, 'Prices'),
    h('p', { class: 'help' }, 'Token prices are per million tokens, in the ledger currency. Each request records '
      + 'the price version it was charged with.'), box);
  const [current, versions, proposals] = await Promise.all([
    load(box, () => get('/admin/prices/current')),
    load(box, () => get('/admin/prices')),
    load(box, () => get('/admin/prices/proposals', { status: 'pending' })),
  ]);
  if (proposals && proposals.data.length) view.append(pendingProposals(proposals.data, can, box, go));
  if (current) {
    const models = Object.keys(current.prices || {}).sort();
    if (can.admin) view.append(publishForm(models, current.prices, box, go));
    view.append(h('section', { class: 'card' },
      h('h2', {}, `In force now: version ${current.number} (since ${when(current.effective_from)})`),
      table([['Model', (m) => m], ...COLUMNS.map(([key, label]) => [label, (m) => priceCell(current.prices[m], key)])],
        models, 'No model has a price.')));
  }
  if (versions) {
    view.append(h('section', { class: 'card' }, h('h2', {}, 'All versions'), table([
      ['Version', (v) => String(v.number)],
      ['In force from', (v) => when(v.effective_from), 'nowrap'],
      ['Changed models', (v) => (v.changed || []).length ? v.changed.join(', ') : '—'],
      ['Source', (v) => orDash(v.source)],
      ['Published', (v) => `${when(v.published_at)} by ${orDash(v.actor)}`],
      ['Reason', (v) => orDash(v.reason)],
    ], versions.data, 'No versions yet.')));
  }
}

function priceCell(price, key) {
  if (!price) return '—';
  if (price.free) return key === 'input' ? 'free' : '';
  return orDash(price[key]);
}

function publishForm(models, prices, box, go) {
  const form = h('form', { class: 'grid', id: 'publish-price-form' },
    field('Model', select('model', models.map((m) => [m, m]), models[0])),
    field('Input', input('input', { required: true, inputmode: 'decimal' }), 'Per million prompt tokens'),
    field('Cached input', input('cached_input', { inputmode: 'decimal' }), 'Empty: none'),
    field('Output', input('output', { required: true, inputmode: 'decimal' }), 'Per million completion tokens'),
    field('In force from (UTC)', h('input', { name: 'effective_from', type: 'datetime-local' }),
      'Empty: now. In the past: corrects the prices since then and starts a recalculation to approve'),
    field('Reason', input('reason', { required: true, placeholder: 'supplier changed its prices' }),
      'Required: kept in the audit trail'),
    h('button', { type: 'submit' }, 'Publish prices'));
  const fill = () => {
    const price = prices[form.elements.model.value] || {};
    form.elements.input.value = price.input ?? '';
    form.elements.cached_input.value = price.cached_input ?? '';
    form.elements.output.value = price.output ?? '';
  };
  form.elements.model.addEventListener('change', fill);
  fill();
  onSubmit(form, box, async (v) => {
    const price = { input: v.input, output: v.output };
    if (v.cached_input) price.cached_input = v.cached_input;
    const published = await put('/admin/prices', { prices: { [v.model]: price },
      effective_from: utcInstant(v.effective_from), reason: v.reason });
    if (published.recalculation_id) {
      go('/recalculations/' + encodeURIComponent(published.recalculation_id), {},
        `Version ${published.number} published. It corrects past prices: this recalculation shows the difference; `
        + 'nothing changes until it is approved.');
    } else {
      go('/prices', {}, `Version ${published.number} published.`);
    }
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Publish a price change'), form,
    h('p', { class: 'help' }, 'Other models keep their prices. ', link('Recalculations', '/recalculations'),
      ' list the corrections of past prices.'));
}

// Changes the configured price sources proposed: the diff per model and field, approved or rejected by an admin.
function pendingProposals(pending, can, box, go) {
  const card = h('section', { class: 'card', id: 'price-proposals' },
    h('h2', {}, `Proposed by price sources (${pending.length} pending)`),
    h('p', { class: 'help' }, 'A price source\'s table differs from the prices in force. Nothing changes until an '
      + 'admin approves; an approval publishes a new version naming the source.'));
  for (const p of pending) {
    card.append(h('h3', {}, `${p.id} from ${p.source_id}, ${when(p.proposed_at)}`),
      table([['Model', (c) => c.model], ['Field', (c) => c.field], ['In force', (c) => orDash(c.old_value)],
        ['Proposed', (c) => orDash(c.new_value)]], p.changes, 'No change.'));
    if (can.admin) {
      const form = h('form', { class: 'grid proposal-form', 'data-proposal': p.id },
        field('Reason', input('reason', { required: true, placeholder: 'matches the provider\'s price page' }),
          'Required: kept in the audit trail'),
        h('button', { type: 'submit', name: 'decision', value: 'approve' }, 'Approve'),
        h('button', { type: 'submit', name: 'decision', value: 'reject', class: 'secondary' }, 'Reject'));
      let decision = 'approve';
      form.querySelectorAll('button').forEach((b) => b.addEventListener('click', () => { decision = b.value; }));
      onSubmit(form, box, async (v) => {
        const decided = await post(`/admin/prices/proposals/${encodeURIComponent(p.id)}/${decision}`,
          { reason: v.reason });
        go('/prices', {}, decided.status === 'approved'
          ? `Proposal approved: version ${decided.price_version} published.` : 'Proposal rejected.');
      });
      card.append(form);
    }
  }
  return card;
}
