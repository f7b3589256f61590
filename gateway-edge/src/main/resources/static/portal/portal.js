// The students' portal: a member signed in with the organisation's identity provider sees their own budget, boosts,
// messages (with what each cost, and why) and API keys. The session is an HttpOnly cookie; every call that changes
// something carries the session's CSRF token. Server text only ever goes into text nodes and attribute values.

let csrf = null;
let me = null;
let budgetSection = null;

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!response.ok) {
    throw new ApiError(response.status, (json && json.error && json.error.message)
      || `Tollgate answered ${response.status}.`);
  }
  return json;
}

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    // through the CSSOM: a style attribute would need 'unsafe-inline' in the page's Content-Security-Policy
    else if (name === 'style') el.style.cssText = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== undefined && child !== null && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const main = () => document.getElementById('main');
const dash = (v) => (v === null || v === undefined || v === '' ? '—' : String(v));
const when = (iso) => (iso ? iso.slice(0, 10) + ' ' + iso.slice(11, 16) + ' UTC' : '—');

function show(box, ok, ...content) {
  box.className = 'message ' + (ok ? 'ok' : 'error');
  box.setAttribute('role', ok ? 'status' : 'alert');
  box.replaceChildren(...content);
}

async function start() {
  const session = await api('GET', '/sso/session');
  if (!session.signed_in || !session.team_id) {
    signInPage(session);
    return;
  }
  csrf = session.csrf_token;
  document.getElementById('who').replaceChildren(
    h('span', { id: 'signed-in-as' }, `Signed in as ${session.user_id} (${session.team_id})`),
    h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: signOut }, 'Sign out'));
  await render();
}

function signInPage(session) {
  document.getElementById('who').replaceChildren();
  const body = session.enabled
    ? [h('p', {}, 'Sign in with your account to see your budget, what each of your messages cost, and your API keys.'),
      h('a', { class: 'button', id: 'signin-sso', href: '/sso/login?to=portal' }, `Sign in with ${session.display_name}`)]
    : [h('p', {}, 'Single sign-on is not set up on this Tollgate: ask your course staff for a key.')];
  main().replaceChildren(h('section', { class: 'card signin' }, h('h1', {}, 'Your LLM budget and keys'), ...body));
}

async function signOut() {
  const answer = await api('POST', '/sso/logout');
  window.location.assign(answer.redirect);
}

async function render() {
  me = await api('GET', '/portal/api/me');
  const view = h('div', { class: 'view' });
  view.append(h('h1', {}, `Hello ${me.user_id}`),
    h('p', { class: 'help' }, 'Team ', h('strong', {}, me.team_name), ' ', me.tags.map((t) => h('span', { class: 'tag' }, t))),
    (budgetSection = budgetCard()), keysCard(), await messagesCard());
  main().replaceChildren(view);
  view.setAttribute('data-ready', '');
}

function budgetCard() {
  const b = me.budget;
  const t = me.team_budget;
  const stats = [];
  if (b) {
    const unlimited = b.effective_limit === null;
    stats.push(stat('Left to spend', unlimited ? 'unlimited' : b.remaining, 'budget-remaining',
      unlimited ? null : pct(b.spent, b.effective_limit)));
    stats.push(stat('Spent this period', b.spent, 'budget-spent'));
    stats.push(stat('Your limit', unlimited ? 'unlimited' : `${b.effective_limit}` + (Number(b.boosts) > 0 ? ` (incl. ${b.boosts} boost)` : ''), 'budget-limit'));
    stats.push(stat('Resets', b.period_end ? when(b.period_end) : 'never (a total)', 'budget-resets'));
  }
  if (t && t.effective_limit !== null) {
    stats.push(stat("Your team's budget left", t.remaining, 'team-remaining'));
  }
  const boosts = me.boosts.length === 0 ? h('p', { class: 'empty' }, 'No boosts right now.')
    : table([['Boost', (x) => x.amount], ['For', (x) => (x.user_id ? 'you' : 'your team')], ['From', (x) => when(x.starts_at)],
      ['Until', (x) => when(x.ends_at)], ['Why', (x) => dash(x.reason)]], me.boosts, 'boosts-table');
  return h('section', { class: 'card', id: 'budget' }, h('h2', {}, 'Your budget'),
    h('div', { class: 'cards' }, stats), h('h2', { class: 'spaced' }, 'Boosts'), boosts);
}

/** Reads the budget again (after new messages) and shows it in place. */
async function refreshBudget() {
  if (!budgetSection || !budgetSection.isConnected) return;
  me = await api('GET', '/portal/api/me');
  const fresh = budgetCard();
  budgetSection.replaceWith(fresh);
  budgetSection = fresh;
}

function pct(spent, limit) {
  const l = Number(limit);
  return l > 0 ? Math.min(100, Math.round((Number(spent) / l) * 100)) : 0;
}

function stat(label, value, id, percent) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value', id }, dash(value)),
    percent === undefined || percent === null ? null : h('div', { class: 'bar' }, bar(percent)));
}

/** The filled part of a bar: its width set through the CSSOM (the page's CSP allows no inline style attribute). */
function bar(percent) {
  const span = h('span', {});
  span.style.width = percent + '%';
  return span;
}

function table(columns, rows, id, sortable) {
  const wrap = h('div', { class: 'table-wrap' });
  let sorted = rows.slice();
  let sortBy = null;
  let asc = true;
  const draw = () => {
    const head = h('tr', {}, columns.map(([heading, , cls, sortKey]) => h('th', {
      class: [cls, sortable && sortKey ? 'sortable' : ''].join(' ').trim() || undefined,
      onclick: sortable && sortKey ? () => { asc = sortBy === sortKey ? !asc : false; sortBy = sortKey; sortRows(sortKey); draw(); } : undefined,
    }, heading)));
    const body = sorted.map((row) => h('tr', { 'data-id': row.id || row.request_id },
      columns.map(([, cell, cls]) => h('td', { class: cls }, cell(row)))));
    wrap.replaceChildren(h('table', { id }, h('thead', {}, head), h('tbody', {}, body)));
  };
  const sortRows = (key) => {
    sorted.sort((a, b) => {
      const x = key(a); const y = key(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return asc ? c : -c;
    });
  };
  draw();
  return wrap;
}

function keysCard() {
  const box = h('div', { class: 'message', 'aria-live': 'polite' });
  const list = h('div', { id: 'keys' });
  const policy = me.key_policy;
  const secretBox = h('div', { id: 'new-key' });
  const models = h('select', { name: 'models', multiple: true, size: Math.min(4, me.models.length || 1) },
    me.models.map((m) => h('option', { value: m }, m)));
  const form = h('form', { class: 'grid', id: 'key-form' },
    field('Name', h('input', { name: 'name', required: true, maxlength: 100, placeholder: 'laptop' })),
    field('Expires in (days)', h('input', { name: 'expires_in_days', type: 'number', min: 1,
      max: Math.min(policy.max_expiry_days || 400, 400), placeholder: policy.max_expiry_days ? String(policy.max_expiry_days) : 'never' }),
    policy.max_expiry_days ? `at most ${policy.max_expiry_days}` : 'empty: never'),
    field('Models', models, 'none selected: every model allowed'),
    h('button', { type: 'submit' }, 'Create key'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const days = form.elements.expires_in_days.value.trim();
      const created = await api('POST', '/portal/api/keys', {
        name: form.elements.name.value.trim(),
        expires_in_days: days ? Number(days) : undefined,
        allowed_models: Array.from(models.selectedOptions).map((o) => o.value),
      });
      show(box, true, `Key ${created.name} created.`);
      secretBox.replaceChildren(secret(created));
      form.reset();
      await refreshKeys(list, box);
    } catch (e) {
      show(box, false, h('strong', {}, 'Error: '), e.message);
    } finally {
      button.disabled = false;
    }
  });
  refreshKeys(list, box);
  const rules = [`at most ${policy.max_keys} key(s)`,
    policy.max_expiry_days ? `each lives at most ${policy.max_expiry_days} days` : 'keys may never expire',
    policy.allowed_models.length ? `models: ${policy.allowed_models.join(', ')}` : 'every model',
    policy.requests_per_minute ? `${policy.requests_per_minute} requests/minute` : null,
    policy.tokens_per_minute ? `${policy.tokens_per_minute} tokens/minute` : null].filter(Boolean).join('; ');
  return h('section', { class: 'card', id: 'keys-card' }, h('h2', {}, 'Your API keys'),
    h('p', { class: 'help', id: 'key-policy' }, `Your team allows ${rules}.`), form, box, secretBox, list);
}

function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
}

async function refreshKeys(list, box) {
  try {
    const keys = await api('GET', '/portal/api/keys');
    const now = new Date().toISOString();
    list.replaceChildren(keys.length === 0 ? h('p', { class: 'empty' }, 'You have no keys yet.')
      : table([['Name', (k) => k.name], ['Key', (k) => k.display_prefix + '…'], ['Models', (k) => (k.allowed_models.length ? k.allowed_models.join(', ') : 'all')],
        ['Created', (k) => when(k.created_at)], ['Expires', (k) => (k.expires_at ? when(k.expires_at) : 'never')],
        ['Status', (k) => (k.revoked_at ? 'revoked' : k.expires_at && k.expires_at < now ? 'expired' : 'active')],
        ['', (k) => (k.revoked_at ? '' : h('button', { type: 'button', class: 'danger', 'data-key': k.id, onclick: async (e) => {
          e.target.disabled = true;
          try {
            await api('DELETE', '/portal/api/keys/' + encodeURIComponent(k.id));
            show(box, true, `Key ${k.name} revoked: it no longer works.`);
            await refreshKeys(list, box);
          } catch (err) { show(box, false, h('strong', {}, 'Error: '), err.message); e.target.disabled = false; }
        } }, 'Revoke'))]], keys, 'keys-table'));
  } catch (e) {
    show(box, false, h('strong', {}, 'Error: '), e.message);
  }
}

function secret(created) {
  const base = window.location.origin + '/v1';
  const model = (created.allowed_models && created.allowed_models[0]) || me.models[0] || 'gpt-4o-mini';
  const snippets = {
    python: `from openai import OpenAI\n\nclient = OpenAI(base_url="${base}", api_key="${created.key}")\n`
      + `answer = client.chat.completions.create(\n    model="${model}",\n    messages=[{"role": "user", "content": "Hello!"}],\n)\n`
      + 'print(answer.choices[0].message.content)\n',
    javascript: `import OpenAI from "openai";\n\nconst client = new OpenAI({ baseURL: "${base}", apiKey: "${created.key}" });\n`
      + `const answer = await client.chat.completions.create({\n  model: "${model}",\n  messages: [{ role: "user", content: "Hello!" }],\n});\n`
      + 'console.log(answer.choices[0].message.content);\n',
    curl: `curl ${base}/chat/completions \\\n  -H "Authorization: Bearer ${created.key}" \\\n  -H "Content-Type: application/json" \\\n`
      + `  -d '{"model":"${model}","messages":[{"role":"user","content":"Hello!"}]}'\n`,
  };
  const code = h('pre', { class: 'snippet', id: 'snippet' });
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const select = (name) => {
    code.textContent = snippets[name];
    code.setAttribute('data-lang', name);
    tabs.querySelectorAll('button').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.lang === name)));
  };
  for (const [name, label] of [['python', 'Python'], ['javascript', 'JavaScript'], ['curl', 'curl']]) {
    tabs.append(h('button', { type: 'button', role: 'tab', 'data-lang': name, onclick: () => select(name) }, label));
  }
  const copy = (text, button) => navigator.clipboard.writeText(text).then(() => { button.textContent = 'Copied'; },
    () => { button.textContent = 'Select and copy by hand'; });
  const keyCopy = h('button', { type: 'button', class: 'secondary' }, 'Copy key');
  keyCopy.addEventListener('click', () => copy(created.key, keyCopy));
  const snippetCopy = h('button', { type: 'button', class: 'secondary' }, 'Copy snippet');
  snippetCopy.addEventListener('click', () => copy(code.textContent, snippetCopy));
  select('python');
  return h('div', { class: 'secret' },
    h('p', {}, h('strong', {}, 'Your new key — shown only now. '), 'Copy it somewhere safe; Tollgate keeps only its fingerprint.'),
    h('p', {}, h('code', { id: 'new-key-secret' }, created.key), ' ', keyCopy),
    h('p', { class: 'help' }, 'Use it with any OpenAI SDK:'), tabs, code, snippetCopy);
}

async function messagesCard() {
  const box = h('div', { class: 'message', 'aria-live': 'polite' });
  const holder = h('div', { id: 'messages' });
  const model = h('select', { name: 'model' }, h('option', { value: '' }, 'all models'),
    me.models.map((m) => h('option', { value: m }, m)));
  const from = h('input', { name: 'from', type: 'date' });
  const to = h('input', { name: 'to', type: 'date' });
  const params = () => {
    const q = new URLSearchParams();
    if (model.value) q.set('model', model.value);
    if (from.value) q.set('from', from.value + 'T00:00:00Z');
    if (to.value) q.set('to', to.value + 'T00:00:00Z');
    const s = q.toString();
    return s ? '?' + s : '';
  };
  const load = async () => {
    try {
      const page = await api('GET', '/portal/api/messages' + params());
      holder.replaceChildren(page.data.length === 0 ? h('p', { class: 'empty' }, 'No messages yet: make a call with one of your keys.')
        : table([
          ['When', (m) => when(m.started_at), null, (m) => m.started_at],
          ['Model', (m) => dash(m.model), null, (m) => m.model || ''],
          ['Prompt tokens', (m) => dash(m.prompt_tokens), 'num', (m) => m.prompt_tokens || 0],
          ['Answer tokens', (m) => dash(m.completion_tokens), 'num', (m) => m.completion_tokens || 0],
          ['Cost', (m) => dash(m.cost), 'num cost', (m) => Number(m.cost || 0)],
          ['Why', (m) => m.why, 'why'],
        ], page.data, 'messages-table', true));
      if (page.typical_cost) holder.prepend(h('p', { class: 'help' }, `Your typical message costs ${page.typical_cost}.`));
      await refreshBudget();
    } catch (e) {
      show(box, false, h('strong', {}, 'Error: '), e.message);
    }
  };
  const csv = h('button', { type: 'button', class: 'secondary' }, 'Download CSV');
  csv.addEventListener('click', async () => {
    const response = await fetch('/portal/api/messages.csv' + params(), { credentials: 'same-origin' });
    if (!response.ok) { show(box, false, 'The download failed.'); return; }
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: 'my-messages.csv' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
  const refresh = h('button', { type: 'button', id: 'messages-refresh', onclick: load }, 'Refresh');
  [model, from, to].forEach((el) => el.addEventListener('change', load));
  await load();
  return h('section', { class: 'card', id: 'messages-card' }, h('h2', {}, 'Your messages and what they cost'),
    h('p', { class: 'help' }, 'Every call made with your keys, newest first. Click a column to sort.'),
    h('div', { class: 'filters' },
      field('Model', model), field('From', from), field('To', to), refresh, csv), box, holder);
}

start().catch((e) => {
  main().replaceChildren(h('section', { class: 'card' }, h('h1', {}, 'The portal could not load'), h('p', { class: 'message error' }, e.message)));
});
