// The admin UI's shell: sign-in, navigation and hash routing (#/teams, #/teams/cs101, #/spend?team_id=…), so
// that every page has an address and the browser's back button works.
import { h, api, get, session, messageBox, showError, onSubmit, field, input } from './api.js';
import * as teams from './pages/teams.js';
import * as boosts from './pages/boosts.js';
import * as keys from './pages/keys.js';
import * as prices from './pages/prices.js';
import * as spend from './pages/spend.js';
import * as audit from './pages/audit.js';
import * as recalculations from './pages/recalculations.js';
import * as alerts from './pages/alerts.js';

const routes = [
  [/^\/teams$/, 'teams', teams.list],
  [/^\/teams\/([^/]+)$/, 'teams', teams.detail],
  [/^\/boosts$/, 'boosts', boosts.render],
  [/^\/keys$/, 'keys', keys.render],
  [/^\/prices$/, 'prices', prices.render],
  [/^\/spend$/, 'spend', spend.render],
  [/^\/audit$/, 'audit', audit.render],
  [/^\/alerts$/, 'alerts', alerts.render],
  [/^\/recalculations$/, 'recalculations', recalculations.list],
  [/^\/recalculations\/([^/]+)$/, 'recalculations', recalculations.detail],
];

let me = null; // who is signed in: {id, role, teams, budget_cap}

/** What the signed-in role may do; the server checks again, this only hides what would be refused. */
function abilities(who) {
  return {
    write: who.role === 'admin' || who.role === 'manager',
    admin: who.role === 'admin',
    manage: (teamId) => who.role === 'admin' || (who.role === 'manager' && who.teams.includes(teamId)),
  };
}

let flash = null; // a confirmation for the next page shown, after a change

/** Goes to a page, optionally saying what just happened; the same address again re-renders it (after a change). */
export function go(path, params, message) {
  flash = message || null;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.append(k, v);
  const hash = '#' + path + (q.toString() ? '?' + q : '');
  if (location.hash === hash) render();
  else location.hash = hash;
}

function parseHash() {
  const [path, search] = (location.hash.slice(1) || '/teams').split('?');
  return { path, params: new URLSearchParams(search || '') };
}

async function render() {
  const main = document.getElementById('main');
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  const { path, params } = parseHash();
  if (!session.key && !session.sso && path !== '/signin') await session.loadSso();
  if (!session.signedIn || path === '/signin') {
    showSignedOut();
    await signIn(view, params.get('message'));
    return;
  }
  if (!me) {
    try {
      me = await get('/admin/whoami');
    } catch (e) {
      session.signOut();
      showSignedOut();
      signIn(view, e.message);
      return;
    }
  }
  showSignedIn();
  if (flash) {
    view.append(h('div', { class: 'message ok', id: 'flash' }, flash));
    flash = null;
  }
  const route = routes.find(([pattern]) => pattern.test(path));
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', route && a.dataset.page === route[1]));
  if (!route) {
    view.append(h('h1', {}, 'Page not found'), h('p', {}, 'There is no page here. Pick one from the menu above.'));
    return;
  }
  const args = path.match(route[0]).slice(1).map(decodeURIComponent);
  try {
    await route[2](view, { args, params, me, can: abilities(me), go });
  } catch (e) {
    const box = messageBox();
    view.append(box);
    showError(box, e);
  }
  view.dataset.ready = 'true'; // the page has loaded what it shows (the browser tests wait for this)
}

async function signIn(view, message) {
  document.title = 'Sign in · Tollgate admin';
  const sso = await session.loadSso();
  const box = messageBox();
  const key = input('key', { type: 'password', id: 'signin-key', autocomplete: 'off', required: true,
    placeholder: 'tg-master-… or tga-…' });
  const form = h('form', { id: 'signin-form' },
    field('Your key', key, 'The master key, or an admin, manager or finance credential. It is kept only in this '
      + 'browser tab and forgotten when you close it.'),
    h('p', {}, h('button', { type: 'submit' }, 'Sign in')));
  onSubmit(form, box, async (v) => {
    session.signIn(v.key);
    try {
      me = await get('/admin/whoami');
    } catch (e) {
      session.signOut();
      me = null;
      throw e;
    }
    go('/teams');
  });
  const ssoButton = sso && sso.enabled ? h('p', {}, h('a', { class: 'button', id: 'signin-sso', href: '/sso/login?to=ui' },
    `Sign in with ${sso.display_name}`), ' or with a key:') : null;
  view.append(h('section', { class: 'card signin' }, h('h1', {}, 'Sign in'), box, ssoButton, form));
  if (message) showError(box, { message });
  view.dataset.ready = 'true';
  key.focus();
}

function showSignedOut() {
  me = null;
  document.getElementById('nav').hidden = true;
  document.getElementById('who').replaceChildren();
}

function showSignedIn() {
  document.getElementById('nav').hidden = false;
  const who = document.getElementById('who');
  if (who.dataset.id === me.id) return;
  who.dataset.id = me.id;
  const scope = me.role === 'manager' && me.teams.length ? ` of ${me.teams.join(', ')}` : '';
  who.replaceChildren(
    h('span', { id: 'signed-in-as' }, `Signed in as ${me.id} (${me.role}${scope})`),
    h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: async () => {
      const viaSso = !session.key && session.sso;
      if (viaSso) {
        const answer = await api('POST', '/sso/logout');
        session.signOut();
        window.location.assign(answer.redirect);
        return;
      }
      session.signOut();
      delete who.dataset.id;
      go('/signin');
    } }, 'Sign out'));
}

window.addEventListener('hashchange', render);
render();
