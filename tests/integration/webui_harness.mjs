// Shared harness of the browser tests: Debian's headless Chromium through playwright-core (no
// browser download), checks, the API, axe-core, sign-in, and the end-of-test hygiene checks
// (no console error, no unexpected HTTP failure, no request to another origin).
// Env: URL, API_TOKEN, SAHAB_WEBUI_NODE_MODULES, SCREENSHOTS, PROFILE_DIR.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
export const url = env('URL');
export const shots = env('SCREENSHOTS');
mkdirSync(shots, { recursive: true });
const requireModule = createRequire(join(env('SAHAB_WEBUI_NODE_MODULES'), 'noop.js'));
const { chromium } = requireModule('playwright-core');
const axeSource = readFileSync(requireModule.resolve('axe-core/axe.min.js'), 'utf8');

let passed = 0;
export const ok = (what) => { console.log(`ok: ${what}`); passed++; };
export const check = (condition, what) => { if (!condition) throw new Error(`FAIL: ${what}`); };
export const digits = (text) => Number((text ?? '').replace(/\D/g, ''));

// Runs `call` (a fetch and the read of its body) again once when the connection failed under it:
// CivetWeb closes idle keep-alive connections after 500 ms without saying so in a Keep-Alive
// header, so a client can reuse one the collector is closing.
async function retryOnce(call, what) {
  try {
    return await call();
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    console.log(`retrying ${what} after: ${e.cause?.message ?? e.message}`);
    return call();
  }
}

export const fetchRetry = (target, init = {}) => retryOnce(() => fetch(target, init), target);

export async function api(path, init = {}) {
  return retryOnce(async () => {
    const response = await fetch(url + path, {
      ...init, headers: { Authorization: `Bearer ${env('API_TOKEN')}`, ...(init.headers ?? {}) },
    });
    check(response.ok, `${path}: HTTP ${response.status}`);
    return response.json();
  }, path);
}

// The plan as the API has it (waits while the collector computes it).
export async function planApi(path) {
  for (let i = 0; i < 60; i++) {
    const r = await fetchRetry(url + path, { headers: { Authorization: `Bearer ${env('API_TOKEN')}` } });
    if (r.status === 200) return r.json();
    check(r.status === 202 || r.status === 503, `${path}: HTTP ${r.status}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${path}: no plan after 60 s`);
}

// The page's direction and language, the navigation's and the brand's boxes, and every label or
// button whose text does not fit (visible ones with a width: inline elements have none): what the
// right-to-left checks read.
export const pageLayout = (page) => page.evaluate(() => {
  const box = (selector) => document.querySelector(selector)?.getBoundingClientRect().toJSON();
  const cut = [...document.querySelectorAll('button, label, th, legend, h1, h2, .tile-label, .tile-value, select, .bar-label')]
    .filter((e) => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
    .map((e) => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 40)}" ${e.scrollWidth}>${e.clientWidth}`);
  return { dir: document.documentElement.dir, lang: document.documentElement.lang, width: innerWidth,
    nav: box('header nav'), brand: box('header .brand'), cut };
});

// The boxes of a table's header cells (`selector` names the table) and whether they run from right
// to left (each left of the one before it): a mirrored table on an Arabic page.
export async function columnsRightToLeft(page, selector) {
  const columns = await page.$$eval(`${selector} thead th`, (ths) => ths.map((th) => th.getBoundingClientRect().toJSON()));
  const mirrored = columns.length > 3 && columns.every((c, i) => i === 0 || c.right <= columns[i - 1].left + 1);
  return { mirrored, count: columns.length, lefts: columns.map((c) => Math.round(c.left)).join(', ') };
}

// expectedFailure(status, path) says which HTTP failures a test provokes on purpose; 401 on
// session/login (no session yet or any more) is always expected.
export async function openBrowser({ expectedFailure = () => false } = {}) {
  const context = await chromium.launchPersistentContext(env('PROFILE_DIR'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
  const errors = [];
  const page = context.pages()[0] ?? (await context.newPage());
  // Chromium logs every 4xx as a console error: HTTP failures are checked by status instead.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  const badResponses = [];
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    const expected = (r.status() === 401 && ['/api/v1/session', '/api/v1/login'].includes(path)) ||
      expectedFailure(r.status(), path);
    if (r.status() >= 400 && !expected) badResponses.push(`${r.status()} ${path}`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) foreign.push(r.url()); });

  // axe-core on the current page (evaluated through the DevTools protocol, which the page's CSP
  // does not govern); fails on serious or critical violations.
  const axeSummary = [];
  async function accessible(name) {
    await page.evaluate(axeSource);
    const { violations, passes } = await page.evaluate(async () => {
      const result = await window.axe.run(document);
      return {
        passes: result.passes.length,
        violations: result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0]?.target}`),
      };
    });
    check(passes > 5, `axe ran no rule on ${name}`);
    check(violations.length === 0, `axe on ${name}: ${violations.join(' | ')}`);
    axeSummary.push(`${name} (${passes} rules passed)`);
  }

  // signIn USER PASSWORD [ROUTE]: the sign-in form shown on ROUTE (a hash route such as '#/exports'),
  // which the page then opens. From a sign-in form already on screen, going to another hash route
  // only fires hashchange, whose session check then replaces that form: filled before, the fields
  // were lost and the viewer never signed in (webui_execution on a loaded machine, session 15).
  async function signIn(user, password, route = '') {
    const target = `${url}/${route}`;
    const withoutHash = (address) => address.replace(/#.*$/, '');
    const hashOnly = target.includes('#') && target !== page.url() && withoutHash(target) === withoutHash(page.url());
    const shown = hashOnly ? await page.$('[data-testid=login-user]') : null;
    await page.goto(target);
    if (shown) await page.waitForFunction((field) => !field.isConnected, shown);
    await page.fill('[data-testid=login-user]', user);
    await page.fill('[data-testid=login-password]', password);
    await page.click('[data-testid=login-submit]');
  }

  const screenshot = (name, options = {}) => page.screenshot({ path: join(shots, `${name}.png`), ...options });

  // The hygiene checks and the summary line; call last, inside the try.
  function finish() {
    if (axeSummary.length) ok(`axe-core: no serious or critical violation on ${axeSummary.join(', ')}`);
    check(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    check(badResponses.length === 0, `unexpected HTTP failures: ${badResponses.join(' ')}`);
    check(foreign.length === 0, `requests to other origins: ${foreign.join(' ')}`);
    ok('no console error, no unexpected HTTP failure, no request leaves the collector');
    console.log(`${passed} passed, 0 failed`);
  }

  return { context, page, accessible, signIn, screenshot, finish };
}
