// Sources (admins only; the API refuses others): the vCenters and ESXi hosts the collector reads,
// with each one's state, last and next run, errors and performance run; a form to add or edit one
// (url, account, password, CA file or no certificate check), "test connection" (logs in and out
// without saving), run now and delete. The password goes to the collector and is never shown
// again: the API never returns it, and editing without typing one keeps the stored one.
import { getJson, sendJson } from '../api';
import { h } from '../dom';
import { formatDate, formatNumber, t } from '../i18n';

interface Source {
  id: number;
  name: string;
  url: string;
  username: string;
  tls: { insecure?: boolean; ca_file?: string };
  state: 'idle' | 'running' | 'ok' | 'failed';
  last_run: { started_at: string | null; finished_at: string | null; vms: number | null; hosts: number | null;
    errors: string[] };
  next_run: string | null;
  performance: { state: string; finished_at: string | null; next_run: string | null; vms: number; entries: number;
    error?: string } | null;
}
interface ConnectionTest {
  ok: boolean;
  about?: string;
  reason?: string;
  error?: string;
}

// While a run is under way the list is read again this often.
const kRefreshMs = 2000;

function field(label: string, input: HTMLElement): HTMLElement {
  return h('label', { class: 'filter' }, h('span', {}, label), input);
}

function performanceText(p: Source['performance']): string {
  if (!p) return t.sourcePerfNone;
  if (p.state === 'failed') return t.sourcePerfFailed(p.error ?? '');
  return t.sourcePerfDone(formatNumber(p.vms), formatDate(p.finished_at ?? undefined));
}

// The add / edit form. `editing` null: a new source. Returns the form and a way to fill it.
function sourceForm(onSaved: () => Promise<void>): { form: HTMLElement; edit: (s: Source | null) => void } {
  let editing: Source | null = null;
  // A URL and a path read left to right on an Arabic page too (right to left, the placeholder's
  // "https://" was cut and the path's leading slash drawn at its end); names as typed.
  const name = h('input', { type: 'text', required: true, maxlength: 100, dir: 'auto', 'data-testid': 'source-name' }) as HTMLInputElement;
  const url = h('input', { type: 'url', required: true, placeholder: 'https://vcenter.example/sdk', dir: 'ltr',
    'data-testid': 'source-url' }) as HTMLInputElement;
  const user = h('input', { type: 'text', required: true, autocomplete: 'off', dir: 'auto', 'data-testid': 'source-user' }) as HTMLInputElement;
  const password = h('input', { type: 'password', autocomplete: 'new-password', 'data-testid': 'source-password' }) as HTMLInputElement;
  const caFile = h('input', { type: 'text', placeholder: '/etc/sahab/vcenter-ca.pem', dir: 'ltr', 'data-testid': 'source-ca' }) as HTMLInputElement;
  const insecure = h('input', { type: 'checkbox', 'data-testid': 'source-insecure' }) as HTMLInputElement;
  const title = h('h2', {});
  const passwordHint = h('p', { class: 'muted', 'data-testid': 'source-password-hint' });
  const result = h('p', { 'aria-live': 'polite', 'data-testid': 'source-test-result' });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'source-error' });
  const save = h('button', { type: 'submit', 'data-testid': 'source-save' });
  const test = h('button', { type: 'button', 'data-testid': 'source-test' }, t.sourceTest);
  const cancel = h('button', { type: 'button', 'data-testid': 'source-cancel' }, t.sourceCancel);

  const body = (): Record<string, unknown> => {
    const tls = insecure.checked ? { insecure: true } : caFile.value.trim() ? { ca_file: caFile.value.trim() } : {};
    const out: Record<string, unknown> = { kind: 'vcenter', name: name.value.trim(), url: url.value.trim(),
      username: user.value.trim(), tls };
    if (password.value) out.password = password.value;
    return out;
  };
  const edit = (s: Source | null) => {
    editing = s;
    name.value = s?.name ?? '';
    url.value = s?.url ?? '';
    user.value = s?.username ?? '';
    password.value = '';
    password.required = !s;
    caFile.value = s?.tls.ca_file ?? '';
    insecure.checked = s?.tls.insecure ?? false;
    title.textContent = s ? t.sourceEditTitle(s.name) : t.sourceAddTitle;
    save.textContent = s ? t.sourceSave : t.sourceAdd;
    passwordHint.textContent = s ? t.sourcePasswordKept : '';
    cancel.hidden = !s;
    result.textContent = '';
    error.textContent = '';
  };
  test.addEventListener('click', async () => {
    error.textContent = '';
    result.textContent = t.sourceTesting;
    result.className = 'muted';
    try {
      if (!password.value) throw new Error(t.sourceTestNeedsPassword);
      const answer = await sendJson<ConnectionTest>('POST', '/api/v1/sources/test', body());
      if (!answer) throw new Error('POST /api/v1/sources/test: empty answer');
      result.className = answer.ok ? 'ok' : 'error';
      result.dataset.ok = String(answer.ok);
      result.textContent = answer.ok ? t.sourceTestOk(answer.about ?? '')
        : t.sourceTestFailed(t.sourceReasons[answer.reason ?? ''] ?? answer.reason ?? '', answer.error ?? '');
    } catch (e) {
      result.textContent = '';
      error.textContent = String(e instanceof Error ? e.message : e);
    }
  });
  cancel.addEventListener('click', () => edit(null));
  const form = h('form', { class: 'panel', 'data-testid': 'source-form' }, title,
    h('div', { class: 'filters' }, field(t.sourceName, name), field(t.sourceUrl, url), field(t.sourceUser, user),
      field(t.sourcePassword, password)),
    passwordHint,
    h('div', { class: 'filters' }, field(t.sourceCaFile, caFile),
      h('label', { class: 'filter' }, insecure, h('span', {}, t.sourceInsecure))),
    h('div', {}, save, ' ', test, ' ', cancel), result, error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      if (editing) await sendJson('PUT', `/api/v1/sources/${editing.id}`, body());
      else await sendJson('POST', '/api/v1/sources', body());
      edit(null);
      await onSaved();
    } catch (e) {
      error.textContent = t.loadError + String(e instanceof Error ? e.message : e);
    }
  });
  edit(null);
  return { form, edit };
}

export async function sourcesPage(): Promise<HTMLElement> {
  const rows = h('tbody');
  const empty = h('p', { class: 'muted' });
  const error = h('p', { class: 'error', role: 'alert' });
  let timer: number | undefined;
  const page = h('div', { class: 'page', 'data-testid': 'sources-page' });
  const refresh = async (): Promise<void> => {
    window.clearTimeout(timer);
    const { sources } = await getJson<{ sources: Source[] }>('/api/v1/sources');
    empty.textContent = sources.length ? '' : t.noSources;
    rows.replaceChildren(...sources.map((s) => sourceRow(s)));
    // Runs under way (or waiting for their first performance run): look again shortly, while
    // the page is shown.
    const busy = sources.some((s) => s.state === 'running' || (s.state === 'ok' && !s.performance?.finished_at));
    if (busy) {
      timer = window.setTimeout(() => {
        if (page.isConnected) void refresh().catch(() => undefined);
      }, kRefreshMs);
    }
  };
  const { form, edit } = sourceForm(refresh);
  const act = (label: string, testId: string, action: () => Promise<unknown>) => {
    const button = h('button', { type: 'button', 'data-testid': testId }, label);
    button.addEventListener('click', async () => {
      error.textContent = '';
      try {
        await action();
        await refresh();
      } catch (e) {
        error.textContent = t.loadError + String(e instanceof Error ? e.message : e);
      }
    });
    return button;
  };
  const sourceRow = (s: Source): HTMLElement => {
    const run = act(t.sourceRunNow, `source-run-${s.id}`, () => sendJson('POST', `/api/v1/sources/${s.id}/run`));
    const editButton = h('button', { type: 'button', 'data-testid': `source-edit-${s.id}` }, t.sourceEdit);
    editButton.addEventListener('click', () => {
      edit(s);
      form.scrollIntoView();
    });
    const remove = act(t.sourceDelete, `source-delete-${s.id}`, async () => {
      if (window.confirm(t.sourceDeleteConfirm(s.name))) await sendJson('DELETE', `/api/v1/sources/${s.id}`);
    });
    const errors = s.last_run.errors;
    // The name, account and URL keep their own direction on an Arabic page (a URL is always left
    // to right). The errors are the collector's and vCenter's own words (libcurl's, SOAP faults),
    // in English whatever the page's language: marked so, for the reader and screen readers.
    return h('tr', { 'data-source': s.id, 'data-name': s.name, 'data-state': s.state },
      h('td', { dir: 'auto' }, s.name), h('td', {}, h('code', { dir: 'ltr' }, s.url)), h('td', { dir: 'auto' }, s.username),
      h('td', { 'data-testid': 'source-state' }, t.sourceStates[s.state] ?? s.state),
      h('td', {}, s.last_run.finished_at ? formatDate(s.last_run.finished_at) : '—'),
      h('td', { 'data-testid': 'source-vms' }, s.last_run.vms === null ? '—' : formatNumber(s.last_run.vms)),
      h('td', {}, s.next_run ? formatDate(s.next_run) : '—'),
      h('td', { 'data-testid': 'source-performance' }, performanceText(s.performance)),
      h('td', { 'data-testid': 'source-errors', class: errors.length ? 'error' : '', ...(errors.length ? { lang: 'en', dir: 'ltr' } : {}) },
        errors.length ? errors.slice(0, 3).join('; ') : '—'),
      h('td', {}, run, ' ', editButton, ' ', remove));
  };
  await refresh();
  page.append(h('h1', {}, t.navSources), h('p', { class: 'muted' }, t.sourcesHelp), error,
    h('table', { 'data-testid': 'sources-table' },
      h('thead', {}, h('tr', {}, ...[t.sourceName, t.sourceUrl, t.sourceUser, t.state, t.sourceLastRun, t.sourceVms,
        t.sourceNextRun, t.sourcePerformance, t.sourceErrors, ''].map((c) => h('th', {}, c)))), rows), empty, form);
  return page;
}
