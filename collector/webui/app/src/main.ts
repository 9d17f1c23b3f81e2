// The single-page app: a shell (navigation, language switch) and hash routes
// (#/ overview, #/hosts, #/hosts/ID, #/progress, #/waves/N, …). Hash routing keeps the server side to "/" and "/assets/".
import './style.css';

import { getJson, resumeSession, sendJson, session, signOut, Unauthorised } from './api';
import { h } from './dom';
import { forgetFleet } from './fleet';
import { lang, languages, setLanguage, t } from './i18n';
import { hostPage } from './pages/host';
import { hostsPage } from './pages/hosts';
import { loginPage } from './pages/login';
import { overviewPage } from './pages/overview';
import { costsPage } from './pages/costs';
import { exportsPage } from './pages/exports';
import { planPage } from './pages/plan';
import { agentsPage } from './pages/agents';
import { dependenciesPage } from './pages/dependencies';
import { progressPage } from './pages/progress';
import { retirementsPage } from './pages/retirements';
import { wavePage } from './pages/wave';
import { importsPage } from './pages/imports';
import { sourcesPage } from './pages/sources';
import { forgetPlan } from './plan';

const root = document.getElementById('app') as HTMLElement;

function pageFor(address: string): Promise<HTMLElement> {
  const [route, search = ''] = address.split('?', 2);
  const query = new URLSearchParams(search);
  if (route === '/' || route === '') return overviewPage();
  if (route === '/hosts') return hostsPage(query);
  const host = route.match(/^\/hosts\/([^/]+)$/);
  if (host) return hostPage(decodeURIComponent(host[1]));
  if (route === '/plan') return planPage();
  if (route === '/costs') return costsPage();
  if (route === '/exports') return exportsPage();
  const dependencies = route.match(/^\/dependencies(?:\/(.+))?$/);
  if (dependencies) return dependenciesPage(dependencies[1] ?? '');
  if (route === '/agents') return agentsPage();
  if (route === '/progress') return progressPage();
  if (route === '/retirements') return retirementsPage();
  const wave = route.match(/^\/waves\/([1-9][0-9]{0,5})$/);
  if (wave) return wavePage(Number(wave[1]));
  if (route === '/imports') return importsPage();
  if (route === '/sources') return sourcesPage();
  return Promise.resolve(h('p', {}, t.notFound));
}

// The language is kept in the browser (localStorage, by setLanguage) and, once signed in, for the
// user on the collector (any browser they sign in from). A choice made on the sign-in page, before
// the collector knows who chose, is saved as theirs when they sign in.
let chosenSignedOut = false;
let languageFollowed = false;

const saveLanguage = () => sendJson('PUT', '/api/v1/me/preferences', { language: lang }).catch(() => undefined);

async function followUserLanguage(): Promise<void> {
  languageFollowed = true;
  const stored = await getJson<{ language: string | null }>('/api/v1/me/preferences').catch(() => null);
  if (chosenSignedOut || !stored?.language) {
    chosenSignedOut = false;
    await saveLanguage();
  } else if (stored.language !== lang) {
    setLanguage(stored.language);
  }
}

// Each language named in itself (and marked so: screen readers pronounce it, checks skip it).
function languageMenu(): HTMLSelectElement {
  const menu = h('select', { 'data-testid': 'language', 'aria-label': t.language },
    ...languages.map((l) => h('option', { value: l.code, lang: l.code, dir: l.dir, selected: l.code === lang }, l.name)));
  menu.addEventListener('change', () => {
    setLanguage(menu.value);
    if (session()) void saveLanguage();
    else chosenSignedOut = true;
    void show();
  });
  return menu;
}

function shell(content: Node): HTMLElement {
  const language = languageMenu();
  const logout = h('button', { type: 'button', 'data-testid': 'logout' }, t.logout);
  logout.addEventListener('click', async () => {
    forgetFleet();
    forgetPlan();
    languageFollowed = false;
    await signOut().catch(() => undefined);
    void show();
  });
  const who = session();
  // Sources are for admins only (the API refuses other roles): not shown to others.
  return h('div', { class: 'layout' },
    h('header', {}, h('span', { class: 'brand' }, t.appName), h('span', { class: 'muted' }, t.tagline),
      h('nav', {}, h('a', { href: '#/' }, t.navOverview), h('a', { href: '#/hosts' }, t.navHosts),
        h('a', { href: '#/dependencies' }, t.navDependencies), h('a', { href: '#/plan' }, t.navPlan),
        h('a', { href: '#/costs' }, t.navCosts), h('a', { href: '#/exports' }, t.navExports),
        h('a', { href: '#/agents' }, t.navAgents), h('a', { href: '#/progress' }, t.navProgress),
        // Imports write the fleet: admins only, as the API (POST /api/v1/import).
        who?.role === 'admin' ? h('a', { href: '#/imports', 'data-testid': 'nav-imports' }, t.navImports) : null,
        who?.role === 'admin' ? h('a', { href: '#/sources' }, t.navSources) : null),
      h('span', { class: 'spacer' }), who ? h('span', { 'data-testid': 'who' }, `${who.user} (${who.role})`) : null,
      language, who ? logout : null),
    h('main', {}, content));
}

// Each call supersedes the previous one: a slow page must not replace what a later click showed.
let latest = 0;

async function show(): Promise<void> {
  const call = ++latest;
  if (!session() && !(await resumeSession())) {
    if (call !== latest) return;
    root.replaceChildren(shell(loginPage(() => void show())));
    return;
  }
  if (!languageFollowed) await followUserLanguage();
  if (call !== latest) return;
  const route = location.hash.replace(/^#/, '') || '/';
  root.replaceChildren(shell(h('p', { class: 'muted' }, t.loading)));
  try {
    const page = await pageFor(route);
    if (call === latest) root.replaceChildren(shell(page));
  } catch (e) {
    if (call !== latest) return;
    if (e instanceof Unauthorised) return show();
    root.replaceChildren(shell(h('p', { class: 'error', role: 'alert' }, t.loadError + String(e))));
  }
}

setLanguage(lang);
window.addEventListener('hashchange', () => void show());
void show();
