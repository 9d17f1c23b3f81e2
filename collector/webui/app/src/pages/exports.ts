// Exports: the plan (JSON, CSV tables, one Excel workbook, printable HTML report) for the current what-if or a saved
// scenario, and the fleet (JSON, CSV). GET downloads are plain links (the session cookie goes
// with them); the current what-if is POSTed and its answer saved from a blob.
import { ApiError, sendRaw } from '../api';
import { h } from '../dom';
import { lang, t } from '../i18n';
import { currentWhatIf, listScenarios, overlay, type Scenario, scenarioPlanUrl } from '../plan';
import { panel } from '../planviews';

interface Format {
  key: string;        // data-testid suffix
  format: string;     // json | csv | xlsx | html
  table?: string;     // hosts | waves | costs, for csv
  file: string;       // download name
  label: () => string;
}
const kPlanFormats: Format[] = [
  { key: 'json', format: 'json', file: 'plan.json', label: () => t.exportPlanJson },
  { key: 'csv-hosts', format: 'csv', table: 'hosts', file: 'plan-hosts.csv', label: () => t.exportCsv(t.hosts) },
  { key: 'csv-waves', format: 'csv', table: 'waves', file: 'plan-waves.csv', label: () => t.exportCsv(t.waves) },
  { key: 'csv-costs', format: 'csv', table: 'costs', file: 'plan-costs.csv', label: () => t.exportCsv(t.costs) },
  { key: 'xlsx', format: 'xlsx', file: 'plan.xlsx', label: () => t.exportXlsx },
  { key: 'html', format: 'html', file: 'plan-report.html', label: () => t.exportHtml },
];

// The printable report in the page's language (its words and the planner's).
const language = (f: Format) => (f.format === 'html' ? `&lang=${lang}` : '');
const query = (f: Format) => `format=${f.format}${f.table ? `&table=${f.table}` : ''}${language(f)}`;

function download(href: string, file: string, label: string, testId: string): HTMLAnchorElement {
  return h('a', { href, download: file, class: 'download', 'data-testid': testId }, label);
}

// The plan of the current what-if: computed on demand (POST), then saved as a file.
function whatIfDownload(f: Format, status: HTMLElement): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'download', 'data-testid': `export-current-${f.key}` }, f.label());
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = t.computing;
    try {
      const blob = await (await sendRaw('POST', `/api/v1/plan?${query(f)}`, { parameters: overlay(currentWhatIf()) })).blob();
      const link = h('a', { href: URL.createObjectURL(blob), download: f.file });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      status.textContent = '';
    } catch (e) {
      status.textContent = e instanceof ApiError ? e.message : String(e);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

// The scenario picker and its links, once the scenarios are listed.
function scenarioExports(scenarios: Scenario[]): HTMLElement {
  if (scenarios.length === 0) return h('p', { class: 'muted' }, t.noScenarios);
  const scenarioLinks = h('ul', { class: 'downloads', 'data-testid': 'export-scenario' });
  const picker = h('select', { name: 'scenario', 'data-testid': 'export-scenario-select' },
    ...scenarios.map((s) => h('option', { value: s.name }, s.name)));
  const showScenario = () => {
    const name = picker.value;
    scenarioLinks.replaceChildren(...(name ? kPlanFormats.map((f) => h('li', {},
      download(`${scenarioPlanUrl(name, f.format, f.table)}${language(f)}`, `${name}-${f.file}`, f.label(), `export-scenario-${f.key}`))) : []));
  };
  picker.addEventListener('change', showScenario);
  showScenario();
  return h('div', {}, h('label', { class: 'field narrow' }, h('span', {}, t.scenarioName), picker), scenarioLinks);
}

// Nothing here waits for a plan: the links are plain downloads (the collector plans when one is
// followed), and the scenarios fill their panel when listed.
export async function exportsPage(): Promise<HTMLElement> {
  const whatIf = Object.keys(currentWhatIf()).length > 0;
  const status = h('p', { class: 'status', role: 'status', 'data-testid': 'export-status' });

  const current = h('ul', { class: 'downloads', 'data-testid': 'export-current' },
    ...kPlanFormats.map((f) => h('li', {}, whatIf
      ? whatIfDownload(f, status)
      : download(`/api/v1/plan?${query(f)}`, f.file, f.label(), `export-current-${f.key}`))));

  const scenarioBox = h('div', { 'data-testid': 'export-scenarios' }, h('p', { class: 'muted', role: 'status' }, t.scenariosLoading));
  listScenarios().then((scenarios) => scenarioBox.replaceChildren(scenarioExports(scenarios)),
    (e: unknown) => scenarioBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, t.loadError + (e instanceof Error ? e.message : String(e)))));

  return h('div', { class: 'page' },
    h('h1', {}, t.navExports),
    panel('exports-current', t.exportCurrentPlan, h('p', { class: 'muted' }, whatIf ? t.costsOfWhatIf : t.costsOfDefaults),
      current, status),
    panel('exports-scenario', t.exportScenarioPlan, scenarioBox),
    panel('exports-fleet', t.exportFleet, h('ul', { class: 'downloads', 'data-testid': 'export-fleet' },
      h('li', {}, download('/api/v1/fleet', 'fleet.json', t.exportFleetJson, 'export-fleet-json')),
      h('li', {}, download('/api/v1/fleet?format=csv', 'fleet.csv', t.exportFleetCsv, 'export-fleet-csv')))));
}
