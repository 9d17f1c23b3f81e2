// Imports (admins, as the API): a file as a tool exported it (RVTools, Azure Migrate, inventories…,
// docs/imports.md) is first previewed — what would be created, updated or skipped, each row's
// problem, the stored host each row matched and by which rule — and written only when the user
// confirms, the same file sent again without ?dry_run. Below, the history of imports, each with
// its rollback.
import { ApiError, getJson, sendFile, sendJson } from '../api';
import { append, type Child, clear, h } from '../dom';
import { forgetFleet } from '../fleet';
import { formatBytes, formatDate, formatNumber, t } from '../i18n';
import { forgetPlan } from '../plan';
import { panel, table } from '../planviews';

interface Match { id: string; source: string; rule: string }
// `host`: the server as read from the file (previews only).
interface ReadHost { os?: { name?: string }; cpu?: { cores?: number }; memory_bytes?: number }
interface HostResult { row: number; id: string; hostname: string; action: string; source: string; match?: Match; error?: string; host?: ReadHost }
interface RowError { row: number; id: string; error: string }
interface ImportAnswer {
  format: string;
  created: number; updated: number; unchanged: number; skipped: number; failed: number;
  hosts: HostResult[];
  warnings: string[];
  errors: RowError[];
  import?: number;
}
interface ImportEntry {
  id: number; at: string; actor: string; file_name: string; sha256: string; format: string;
  created: number; updated: number; unchanged: number; skipped: number; failed: number;
  rolled_back_at: string | null; rolled_back_by: string | null;
}

// The formats `?format=` takes; '' lets the content decide.
const kFormats = ['', 'rvtools', 'azure-migrate', 'aws-discovery', 'migration-center', 'inventory', 'csv', 'json'];
// A 20,000-VM workbook previews 20,000 rows: the page lists the first ones, the counts cover all.
const kShownRows = 200;

const importUrl = (file: File, format: string, flags: string) =>
  `/api/v1/import?name=${encodeURIComponent(file.name)}${format ? `&format=${format}` : ''}${flags}`;

function counts(answer: ImportAnswer, preview: boolean): HTMLElement {
  const tile = (key: keyof typeof t.importCounts, value: number) =>
    h('div', { class: 'tile', 'data-testid': `import-count-${key}`, 'data-count': value },
      h('div', { class: 'tile-value' }, formatNumber(value)),
      h('div', { class: 'tile-label' }, (preview ? t.importWouldBe : t.importCounts)[key]));
  return h('div', { class: 'tiles' }, tile('created', answer.created), tile('updated', answer.updated),
    tile('unchanged', answer.unchanged), tile('skipped', answer.skipped), tile('failed', answer.failed));
}

const matchCell = (m?: Match) => (m ? `${m.id} (${t.importSources[m.source] ?? m.source})` : '—');

function hostRows(hosts: HostResult[]): HTMLElement {
  const shown = hosts.slice(0, kShownRows);
  const rows = table('import-hosts',
    [t.importColumns.row, t.importColumns.hostname, t.importColumns.os, t.importColumns.cores, t.importColumns.memory,
      t.importColumns.action, t.importColumns.match, t.importColumns.rule],
    shown.map((r) => [formatNumber(r.row), h('span', { dir: 'auto' }, r.hostname || r.id), h('span', { dir: 'auto' }, r.host?.os?.name ?? '—'),
      r.host?.cpu?.cores === undefined ? '—' : formatNumber(r.host.cpu.cores), formatBytes(r.host?.memory_bytes),
      t.importActions[r.action] ?? r.action, h('span', { dir: 'auto' }, matchCell(r.match)),
      r.match ? t.importRules[r.match.rule] ?? r.match.rule : '—']),
    [true, false, false, true, true]);
  rows.querySelectorAll('tbody tr').forEach((tr, i) => {
    tr.setAttribute('data-id', shown[i].id);
    tr.setAttribute('data-action', shown[i].action);
    if (shown[i].match) tr.setAttribute('data-rule', shown[i].match.rule);
  });
  return h('div', {}, hosts.length > kShownRows ? h('p', { class: 'muted' }, t.importFirstRows(kShownRows, hosts.length)) : null, rows);
}

// Problems as the readers word them, which name the sheet, row and column ("vInfo row 3, column
// 'CPUs': expected a number, got 'four'").
function problems(answer: ImportAnswer): HTMLElement | null {
  if (answer.errors.length === 0 && answer.warnings.length === 0) return null;
  return h('div', {},
    answer.errors.length ? h('h3', {}, t.importErrors(answer.errors.length)) : null,
    answer.errors.length ? table('import-errors', [t.importColumns.row, t.importColumns.id, t.importColumns.problem],
      answer.errors.slice(0, kShownRows).map((e) => [formatNumber(e.row), h('span', { dir: 'auto' }, e.id), h('span', { dir: 'ltr' }, e.error)]), [true]) : null,
    answer.warnings.length ? h('h3', {}, t.importWarnings) : null,
    answer.warnings.length ? h('ul', { 'data-testid': 'import-warnings' }, ...answer.warnings.map((w) => h('li', { dir: 'ltr' }, w))) : null);
}

function history(entries: ImportEntry[], onRollback: (id: number) => void): HTMLElement {
  if (entries.length === 0) return h('p', { class: 'muted', 'data-testid': 'import-history-empty' }, t.importNoHistory);
  const c = t.importColumns;
  const list = table('import-history',
    [c.entry, c.at, c.actor, c.file, c.hash, c.format, t.importCounts.created, t.importCounts.updated,
      t.importCounts.unchanged, t.importCounts.skipped, t.importCounts.failed, ''],
    entries.map((e) => {
      const undo = h('button', { type: 'button', 'data-testid': `import-rollback-${e.id}` }, t.importRollback);
      undo.addEventListener('click', () => onRollback(e.id));
      return [formatNumber(e.id), formatDate(e.at), e.actor, h('span', { dir: 'auto' }, e.file_name || '—'),
        h('code', { title: e.sha256 }, e.sha256.slice(0, 12)), e.format, formatNumber(e.created), formatNumber(e.updated),
        formatNumber(e.unchanged), formatNumber(e.skipped), formatNumber(e.failed),
        e.rolled_back_at ? h('span', { class: 'muted' }, t.importRolledBack(formatDate(e.rolled_back_at), e.rolled_back_by ?? '')) : undo];
    }),
    [true, false, false, false, false, false, true, true, true, true, true]);
  list.querySelectorAll('tbody tr').forEach((tr, i) => {
    tr.setAttribute('data-import', String(entries[i].id));
    tr.setAttribute('data-rolled-back', entries[i].rolled_back_at ? 'true' : 'false');
  });
  return list;
}

// What the last write changed is stale in the other pages' caches (Hosts, Plan).
function forgetCaches(): void {
  forgetFleet();
  forgetPlan();
}

export async function importsPage(): Promise<HTMLElement> {
  const status = h('p', { class: 'status', role: 'status', 'data-testid': 'import-status' });
  const fileInput = h('input', { type: 'file', 'data-testid': 'import-file' });
  const format = h('select', { 'data-testid': 'import-format' },
    ...kFormats.map((f) => h('option', { value: f }, t.importFormats[f] ?? f)));
  const allOrNothing = h('input', { type: 'checkbox', 'data-testid': 'import-all-or-nothing' });
  const previewButton = h('button', { type: 'button', 'data-testid': 'import-preview' }, t.importPreview);
  const result = h('div', { 'data-testid': 'import-result' });
  const historyBox = h('div', { 'data-testid': 'import-history-box' });
  const show = (...children: Child[]) => {
    clear(result);
    append(result, ...children);
  };

  // The readers' refusals (400, 413, 415) are worded by the collector only, in English: shown after
  // the page's words for the status. The import codes (import_superseded, ...) are worded whole.
  const showError = (e: unknown) => {
    status.textContent = '';
    const own = e instanceof ApiError && e.code.startsWith('import_');
    show(h('p', { class: 'error', role: 'alert', 'data-testid': 'import-error' },
      e instanceof ApiError && !own ? `${e.message}: ${e.english}` : String(e)));
  };

  const loadHistory = async () => {
    const { imports } = await getJson<{ imports: ImportEntry[] }>('/api/v1/imports');
    historyBox.replaceChildren(history(imports, (id) => void rollback(id)));
  };

  const rollback = async (id: number) => {
    status.textContent = t.importRollingBack(id);
    try {
      const done = await sendJson<{ removed: number; restored: number }>('POST', `/api/v1/imports/${id}/rollback`, {});
      forgetCaches();
      status.textContent = t.importRollbackDone(id, done?.removed ?? 0, done?.restored ?? 0);
      await loadHistory();
    } catch (e) {
      showError(e);
    }
  };

  // The file as written: the answer, its counts, the rows and their problems, in `result`.
  const confirm = async (file: File, formatName: string) => {
    status.textContent = t.importWriting;
    try {
      const flags = allOrNothing.checked ? '&all_or_nothing=1' : '';
      const { status: code, body } = await sendFile<ImportAnswer>(importUrl(file, formatName, flags), file);
      status.textContent = code === 422 ? '' : t.importDone(body.import ?? 0, body.created, body.updated);
      show(
        code === 422 ? h('p', { class: 'error', role: 'alert', 'data-testid': 'import-refused' }, t.apiErrors.import_rows_failed?.({ failed: body.failed }) ?? '') : null,
        counts(body, code === 422), problems(body), hostRows(body.hosts));
      if (code !== 422) forgetCaches();
      await loadHistory();
    } catch (e) {
      showError(e);
    }
  };

  previewButton.addEventListener('click', async () => {
    const file = fileInput.files?.[0];
    if (!file) {
      status.textContent = t.importChooseFile;
      return;
    }
    const formatName = format.value;
    previewButton.disabled = true;
    status.textContent = t.importReading;
    show();
    try {
      const { body } = await sendFile<ImportAnswer>(importUrl(file, formatName, '&dry_run=1'), file);
      const write = h('button', { type: 'button', class: 'primary', 'data-testid': 'import-confirm' }, t.importConfirm);
      const cancel = h('button', { type: 'button', 'data-testid': 'import-cancel' }, t.importCancel);
      write.addEventListener('click', () => {
        write.disabled = true;
        cancel.disabled = true;
        void confirm(file, formatName);
      });
      cancel.addEventListener('click', () => {
        show();
        status.textContent = '';
      });
      status.textContent = '';
      show(
        h('h3', { 'data-testid': 'import-preview-title', 'data-format': body.format }, t.importPreviewOf(file.name, body.format)),
        counts(body, true), problems(body), hostRows(body.hosts),
        h('div', { class: 'form-actions' }, write, cancel, h('span', { class: 'muted' }, t.importNothingYet)));
    } catch (e) {
      showError(e);
    } finally {
      previewButton.disabled = false;
    }
  });

  await loadHistory();
  return h('div', { class: 'page' },
    h('h1', {}, t.navImports),
    panel('import-form', t.importTitle, h('p', { class: 'muted' }, t.importHint),
      h('div', { class: 'inline-form' },
        h('label', { class: 'field' }, h('span', {}, t.importFile), fileInput),
        h('label', { class: 'field' }, h('span', {}, t.importFormat), format),
        h('label', { class: 'check' }, allOrNothing, t.importAllOrNothing),
        previewButton),
      status, result),
    panel('import-history-panel', t.importHistory, historyBox));
}
