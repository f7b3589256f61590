// Spend: charts of spend over time by team, model and provider (GET /reports/spend), and what each message cost
// (GET /spend/messages). One set of filters, kept in the address, drives both.
import {
  h, get, download, messageBox, showError, load, field, input, select, table, when, orDash, query,
} from '../api.js';

const UPLOT = '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
const COLORS = ['#2456a6', '#d1495b', '#66a182', '#edae49', '#7b4fa0', '#00798c', '#8d6a4f', '#e07a5f', '#30638e', '#999999'];
const DAY = 24 * 3600 * 1000;

export async function render(view, { params, go }) {
  document.title = 'Spend · Tollgate admin';
  const f = filters(params);
  view.append(h('h1', {}, 'Spend'), filterForm(f, go));
  const charts = h('section', { class: 'card' }, h('h2', {}, 'Spend over time'));
  const list = h('section', { class: 'card' }, h('h2', {}, 'What each message cost'));
  view.append(charts, list);
  await Promise.all([renderCharts(charts, f), renderMessages(list, f, params, go)]);
}

function today() { return new Date().toISOString().slice(0, 10); }
function daysAgo(n) { return new Date(Date.now() - n * DAY).toISOString().slice(0, 10); }

function filters(params) {
  return {
    from: params.get('from') || daysAgo(29), to: params.get('to') || today(), step: params.get('step') || 'day',
    team_id: params.get('team_id') || '', user_id: params.get('user_id') || '', model: params.get('model') || '',
    tag: params.get('tag') || '',
  };
}

function filterForm(f, go) {
  const form = h('form', { class: 'grid', id: 'spend-filter' },
    field('From', h('input', { type: 'date', name: 'from', value: f.from })),
    field('To (including)', h('input', { type: 'date', name: 'to', value: f.to })),
    field('Chart by', select('step', [['day', 'day'], ['month', 'month']], f.step)),
    field('Team', input('team_id', { value: f.team_id, placeholder: 'all' })),
    field('User', input('user_id', { value: f.user_id, placeholder: 'all' })),
    field('Model', input('model', { value: f.model, placeholder: 'all' })),
    field('Tag', input('tag', { value: f.tag, placeholder: 'course=cs101' }), 'name=value'),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = Object.fromEntries([...form.elements].filter((el) => el.name).map((el) => [el.name, el.value.trim()]));
    go('/spend', v);
  });
  return h('section', { class: 'card' }, form);
}

/** The instant after the "to" day: the routes take [from, to). */
function endOf(day) {
  return new Date(Date.parse(day + 'T00:00:00Z') + DAY).toISOString().replace('.000Z', 'Z');
}

function reportParams(f, group) {
  return { from: f.from + 'T00:00:00Z', to: endOf(f.to), group_by: `${f.step},${group}`, team_id: f.team_id,
    user_id: f.user_id, model: f.model, tag: f.tag };
}

async function renderCharts(card, f) {
  const box = messageBox();
  const totals = h('p', { id: 'spend-totals' });
  const csv = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      await download('/reports/spend' + query({ ...reportParams(f, 'team'), format: 'csv' }), `spend-${f.from}-${f.to}.csv`);
    } catch (e) { showError(box, e); }
  } }, 'Download as CSV (by team)');
  card.append(box, totals, h('div', { class: 'charts' },
    ...[['team', 'team_id', 'By team'], ['model', 'model', 'By model'], ['provider', 'provider', 'By provider']]
      .map(([group, keyField, title]) => {
        const spot = h('div', { class: 'chart', id: 'chart-' + group });
        const chartBox = messageBox();
        const section = h('div', {}, h('h3', {}, title), chartBox, spot);
        drawChart(spot, chartBox, f, group, keyField, group === 'team' ? totals : null);
        return section;
      })), h('p', {}, csv));
}

async function drawChart(spot, box, f, group, keyField, totals) {
  const report = await load(box, () => get('/reports/spend', reportParams(f, group)));
  if (!report) return;
  if (totals && report.totals) {
    totals.replaceChildren(`Total for ${f.from} to ${f.to}: ${report.totals.net_cost} net `
      + `(${report.totals.cost} charged, ${report.totals.adjustments} adjustments) over ${report.totals.requests} requests.`);
  }
  const stepKey = f.step;
  const periods = [...new Set(report.data.map((r) => r[stepKey]))].sort();
  const keys = [...new Set(report.data.map((r) => orDash(r[keyField])))].sort();
  if (periods.length === 0) {
    spot.replaceChildren(h('p', { class: 'empty' }, 'No spend in this period.'));
    return;
  }
  const index = new Map(periods.map((p, i) => [p, i]));
  const series = keys.map(() => periods.map(() => 0));
  for (const row of report.data) {
    // Only for drawing: the amounts themselves stay decimal strings everywhere else.
    series[keys.indexOf(orDash(row[keyField]))][index.get(row[stepKey])] += Number(row.net_cost);
  }
  const xs = periods.map((p) => Date.parse((stepKey === 'month' ? p + '-01' : p) + 'T00:00:00Z') / 1000);
  let uPlot;
  try {
    uPlot = (await import(UPLOT)).default;
  } catch (e) {
    showError(box, new Error('The chart library could not be loaded: ' + e.message));
    return;
  }
  spot.replaceChildren();
  const width = Math.max(320, (spot.clientWidth || 900) - 40);
  // eslint-disable-next-line no-new
  new uPlot({
    width, height: 240, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    series: [{ label: stepKey, value: (u, t) => (t ? new Date(t * 1000).toISOString().slice(0, stepKey === 'month' ? 7 : 10) : '—') }, ...keys.map((k, i) => ({
      label: k, stroke: COLORS[i % COLORS.length], width: 2, points: { show: true },
      value: (u, v) => (v === null || v === undefined ? '—' : v.toFixed(6)),
    }))],
    axes: [
      { space: 90, incrs: stepKey === 'month' ? [28 * 86400, 3 * 28 * 86400] : [86400, 7 * 86400, 28 * 86400],
        values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(0, stepKey === 'month' ? 7 : 10)) },
      { values: (u, ticks) => ticks.map((t) => t.toFixed(4)), size: 70 },
    ],
  }, [xs, ...series], spot);
}

async function renderMessages(card, f, params, go) {
  const box = messageBox();
  card.append(box);
  const page = await load(box, () => get('/spend/messages', {
    team_id: f.team_id, user_id: f.user_id, model: f.model, tag: f.tag, from: f.from, to: endOf(f.to).slice(0, 10),
    limit: 50, cursor: params.get('cursor'),
  }));
  if (!page) return;
  // The model filter is also applied here, in case the route does not filter by model itself.
  const rows = f.model ? page.data.filter((m) => m.model === f.model) : page.data;
  card.append(table([
    ['Started', (m) => when(m.started_at), 'nowrap'],
    ['Request', (m) => h('code', {}, m.request_id)],
    ['Team', (m) => orDash(m.team_id)],
    ['User', (m) => orDash(m.user_id)],
    ['Model', (m) => orDash(m.model)],
    ['Provider', (m) => orDash(m.provider)],
    ['Outcome', (m) => m.outcome + (m.reason ? ` (${m.reason})` : '')],
    ['Tokens in / out', (m) => m.usage && m.usage.prompt_tokens !== null
      ? `${m.usage.prompt_tokens} / ${m.usage.completion_tokens}` : '—'],
    ['Cost', (m) => h('span', { class: 'cost' }, m.cost)],
    ['Tags', (m) => m.tags && Object.keys(m.tags).length
      ? Object.entries(m.tags).map(([k, v]) => h('span', { class: 'tag' }, `${k}=${v}`)) : '—'],
  ], rows, 'No messages match.'));
  const pager = h('div', { class: 'pager' });
  if (params.get('cursor')) pager.append(h('button', { type: 'button', class: 'secondary', onclick: () => history.back() }, '← Newer'));
  if (page.next_cursor) {
    pager.append(h('button', { type: 'button', class: 'secondary', id: 'older-messages',
      onclick: () => go('/spend', { ...f, cursor: page.next_cursor }) }, 'Older →'));
  }
  card.append(pager);
}
