// The admin UI's small helpers: calls to Tollgate's JSON routes with the signed-in key, and DOM building that
// only ever puts server text into text nodes and attribute values (never HTML).

const KEY = 'tollgate.key';

// Two ways to be signed in: a pasted key (kept in this tab, sent as a bearer token), or a session with the
// organisation's identity provider (an HttpOnly cookie the page never sees, and a CSRF token for every change).
let sso = null;

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  get sso() { return sso; },
  get signedIn() { return Boolean(this.key || sso); },
  signIn(key) { sessionStorage.setItem(KEY, key); },
  signOut() { sessionStorage.removeItem(KEY); sso = null; },
  /** Asks Tollgate whether this browser has a staff session with the identity provider. */
  async loadSso() {
    try {
      const response = await fetch('/sso/session', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      const info = response.ok ? await response.json() : null;
      sso = info && info.signed_in && info.role ? info : null;
      return info;
    } catch {
      sso = null;
      return null;
    }
  },
};

export class ApiError extends Error {
  constructor(status, message, code, param) {
    super(message);
    this.status = status;
    this.code = code;
    this.param = param;
  }
}

/** Calls a JSON route; answers the parsed body, or throws an ApiError carrying the API's error.message. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (session.key) headers.Authorization = 'Bearer ' + session.key;
  else if (sso && method !== 'GET') headers['X-CSRF-Token'] = sso.csrf_token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'Tollgate could not be reached (' + e.message + '). Is it running?', 'network');
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!response.ok) {
    const error = json && json.error;
    let message = error && error.message ? error.message
      : `Tollgate answered ${response.status} ${response.statusText} to ${method} ${path.split('?')[0]}.`;
    if (response.status === 404 && message === 'No such route.') {
      message = `This Tollgate does not offer ${method} ${path.split('?')[0]} yet (it answered "No such route.").`;
    }
    throw new ApiError(response.status, message, error && error.code, error && error.param);
  }
  return json;
}

export const get = (path, params) => api('GET', path + query(params));
export const post = (path, body) => api('POST', path, body ?? {});
export const put = (path, body) => api('PUT', path, body);
export const del = (path, params) => api('DELETE', path + query(params));

/** "?a=1&b=2" from an object, leaving out empty values; arrays repeat the parameter. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== '') q.append(name, v);
    }
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

/** Fetches a file (a CSV) with the signed-in key and hands it to the browser as a download. */
export async function download(path, filename) {
  const response = await fetch(path, { headers: session.key ? { Authorization: 'Bearer ' + session.key } : {},
    credentials: 'same-origin' });
  if (!response.ok) {
    let message = `Tollgate answered ${response.status} to the download.`;
    try { message = (await response.json()).error.message || message; } catch { /* keep the status */ }
    throw new ApiError(response.status, message);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Builds an element. Children are nodes or text (strings become text nodes, never HTML). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== undefined && child !== null && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A link to a page of the UI: #/path?params (ids are encoded, so no server text becomes a URL scheme). */
export function link(text, path, params) {
  return h('a', { href: '#' + path + query(params) }, text);
}

/** A box for the outcome of an action: an error (the API's message) or a confirmation. */
export function messageBox() {
  return h('div', { class: 'message', 'aria-live': 'polite' });
}

export function showError(box, error) {
  box.className = 'message error';
  box.setAttribute('role', 'alert');
  box.replaceChildren(h('strong', {}, 'Error: '), error && error.message ? error.message : String(error));
}

export function showOk(box, ...content) {
  box.className = 'message ok';
  box.removeAttribute('role');
  box.replaceChildren(...content);
}

export function clear(box) {
  box.className = 'message';
  box.replaceChildren();
}

/** Runs a read; on failure shows the error in the box and answers null. */
export async function load(box, read) {
  try {
    return await read();
  } catch (e) {
    showError(box, e);
    return null;
  }
}

/**
 * Wires a form: on submit, gives its values (name → trimmed string; checkboxes → true/false) to the action, with the
 * submit button disabled meanwhile; an error goes to the box.
 */
export function onSubmit(form, box, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    clear(box);
    try {
      await action(values(form), event.submitter);
    } catch (e) {
      showError(box, e);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
  return form;
}

export function values(form) {
  const result = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    result[el.name] = el.type === 'checkbox' ? el.checked : el.value.trim();
  }
  return result;
}

/** A labelled input. */
export function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
}

export function input(name, attrs) {
  return h('input', { name, type: 'text', ...attrs });
}

export function select(name, options, selected) {
  return h('select', { name }, options.map(([value, text]) =>
    h('option', { value, selected: value === selected }, text)));
}

export function periodSelect(name, selected = 'monthly') {
  return select(name, [['monthly', 'per month'], ['weekly', 'per week'], ['daily', 'per day'],
    ['none', 'in total (never resets)']], selected);
}

/** A budget from a form's "<prefix>_limit" and "<prefix>_period"; undefined when the limit is left empty. */
export function budgetFrom(v, prefix) {
  const limit = v[prefix + '_limit'];
  return limit ? { limit, period: v[prefix + '_period'] } : undefined;
}

/** A table: columns are [heading, row → text or node, optional class of the cells]. */
export function table(columns, rows, empty = 'Nothing to show.') {
  if (!rows || rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, columns.map(([heading]) => h('th', {}, heading)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([, cell, cls]) => h('td', { class: cls }, cell(row))))))));
}

/** An instant as "2026-11-24 21:01 UTC". */
export function when(iso) {
  if (!iso) return '—';
  return iso.slice(0, 10) + ' ' + iso.slice(11, 16) + ' UTC';
}

/** A budget setting or live budget as "100 per month", "unlimited". */
export function budgetText(budget) {
  if (!budget) return '—';
  const per = { monthly: 'per month', weekly: 'per week', daily: 'per day', none: 'in total' }[budget.period] || budget.period;
  return budget.limit === null || budget.limit === undefined ? 'unlimited' : `${budget.limit} ${per}`;
}

export function orDash(value) {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

/** "2026-11-24T10:00" typed as UTC → "2026-11-24T10:00:00Z"; a bare date → midnight UTC; empty → undefined. */
export function utcInstant(value) {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value + 'T00:00:00Z';
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return value + ':00Z';
  return value;
}

/** The value a datetime-local input shows for an instant (in UTC). */
export function utcInputValue(date) {
  return date.toISOString().slice(0, 16);
}

/** A small inline confirmation: a button that opens a reason field and a confirm button. */
export function confirmWithReason(label, confirmLabel, reasonRequired, box, action) {
  const wrap = h('span', { class: 'inline-action' });
  const open = h('button', { type: 'button', class: 'secondary' }, label);
  open.addEventListener('click', () => {
    const reason = input('reason', { placeholder: reasonRequired ? 'Reason (required)' : 'Reason (optional)',
      required: reasonRequired, 'aria-label': 'Reason' });
    const form = h('form', { class: 'inline' }, reason,
      h('button', { type: 'submit', class: 'danger' }, confirmLabel),
      h('button', { type: 'button', class: 'secondary', onclick: () => wrap.replaceChildren(open) }, 'Cancel'));
    onSubmit(form, box, (v) => action(v.reason));
    wrap.replaceChildren(form);
    reason.focus();
  });
  wrap.append(open);
  return wrap;
}
