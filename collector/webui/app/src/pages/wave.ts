// A wave (#/waves/N) of the active baseline: its hosts with their migration state, date and last
// change (who, when, note) from one GET /api/v1/waves/N; a form changing the state of the whole
// wave, one move group or one host (planners and admins), with the version last read so a change
// made meanwhile by someone else is refused rather than overwritten; a host's full history on
// demand (one call when asked, not one per host). The hosts the plan retires in place
// (pages/retirements.ts) are drawn by the same trackingPage, on their own track.
import { ApiError, session, Unauthorised } from '../api';
import { h, link } from '../dom';
import {
  type HistoryEntry, type HostStatus, type HostValidation, type MigrationState, type Scope, type StateCounts, type Wave, changeStatus,
  hostHistory, kMigrationStates, loadWave,
} from '../execution';
import { formatDate, formatDay, formatNumber, t } from '../i18n';
import { panel, tile } from '../planviews';

const stateName = (state: string) => t.migrationStates[state as MigrationState] ?? state;

// What a tracking page shows: a wave, or the hosts the plan retires in place.
export interface TrackedHosts {
  version: number;
  states: StateCounts;
  regressions?: number;  // hosts whose validation found regressions, when the collector counts them
  hosts: HostStatus[];
}

// How a tracking page draws its hosts: `prefix` names its test ids (`${prefix}-title`,
// `${prefix}-hosts`, …); `states` are the track's (its tiles and the form's choices).
export interface TrackingView<T extends TrackedHosts> {
  prefix: string;
  title: string;
  intro?: string;
  states: readonly MigrationState[];
  initialState: MigrationState;
  scopes(data: T): ScopeOption[];  // the bulk changes it offers; a host is added when picked
  hostsTitle(n: number): string;
  validation: boolean;
  load(): Promise<T>;
}

// Hosts per state, and the hosts whose validation found regressions when the collector counts them.
function stateTiles(prefix: string, data: TrackedHosts, states: readonly MigrationState[]): HTMLElement {
  return h('div', { class: 'tiles small', 'data-testid': `${prefix}-states` },
    ...states.map((s) => {
      const element = tile(`${prefix}-state-${s}`, stateName(s), formatNumber(data.states[s] ?? 0));
      element.dataset.state = s;
      return element;
    }),
    data.regressions === undefined ? null : tile(`${prefix}-regressions`, t.hostsWithRegressions, formatNumber(data.regressions)));
}

// The scopes a change may apply to: the wave, each of its move groups, and a host once one is picked.
export interface ScopeOption {
  key: string;
  label: string;
  scope: Scope;
  version: number;
}

function scopeOptions(wave: Wave): ScopeOption[] {
  const groups = new Map<string, { hosts: number; version: number }>();
  for (const host of wave.hosts) {
    if (!host.move_group) continue;
    const group = groups.get(host.move_group) ?? { hosts: 0, version: 0 };
    group.hosts++;
    group.version = Math.max(group.version, host.version);
    groups.set(host.move_group, group);
  }
  return [
    { key: 'wave', label: t.wholeWave(wave.wave, wave.hosts.length), scope: { kind: 'wave', wave: wave.wave }, version: wave.version },
    ...[...groups].map(([id, g]): ScopeOption => ({
      key: `group:${id}`, label: t.moveGroupScope(id, g.hosts), scope: { kind: 'group', id }, version: g.version,
    })),
  ];
}

const hostOption = (host: HostStatus): ScopeOption => ({
  key: `host:${host.id}`, label: t.hostScope(host.hostname || host.id), scope: { kind: 'host', id: host.id }, version: host.version,
});

interface ChangeForm {
  element: HTMLElement;
  pickHost(host: HostStatus): void;
}

// What the last change led to, shown above the wave drawn again.
interface Outcome {
  text: string;
  error: boolean;
}

function showOutcome(message: HTMLElement, outcome: Outcome): void {
  message.textContent = outcome.text;
  message.classList.toggle('error', outcome.error);
  message.setAttribute('role', outcome.error ? 'alert' : 'status');
}

// The status change form: `options` the bulk scopes (none on a page that changes one host at a
// time), `states` the track's. `changed` reloads the hosts after a change, or after a refusal that
// says they moved on (409 stale_version), so the versions shown are current again.
function changeForm(options: ScopeOption[], states: readonly MigrationState[], initial: MigrationState, said: Outcome | null,
  changed: (outcome: Outcome) => void): ChangeForm {
  const scope = h('select', { name: 'scope', 'data-testid': 'change-scope' },
    ...options.map((o) => h('option', { value: o.key }, o.label)));
  const state = h('select', { name: 'state', 'data-testid': 'change-state' },
    ...states.map((s) => h('option', { value: s }, stateName(s))));
  state.value = initial;
  const date = h('input', { type: 'date', name: 'date', 'data-testid': 'change-date', required: true });
  // The API takes 1,024 bytes of UTF-8; maxlength counts UTF-16 units, each at most 3 bytes.
  const note = h('input', { type: 'text', name: 'note', maxlength: 341, 'data-testid': 'change-note' });
  // Nothing to apply to until a host is picked when the page offers no bulk change.
  const submit = h('button', { type: 'submit', 'data-testid': 'change-submit', disabled: options.length === 0 }, t.applyChange);
  const message = h('p', { class: 'status', role: 'status', 'data-testid': 'change-status' });
  if (said) showOutcome(message, said);
  const dateField = h('label', { class: 'field' }, h('span', {}, t.scheduledFor), date);
  // Only "scheduled" takes a date (the API refuses one with any other state).
  const showDate = () => {
    dateField.hidden = state.value !== 'scheduled';
    date.required = !dateField.hidden;
  };
  state.addEventListener('change', showDate);
  showDate();

  // Shown once there is something to apply to (a page without bulk scopes: once a host is picked).
  const scopeField = h('label', { class: 'field', hidden: options.length === 0 }, h('span', {}, t.changeScope), scope);
  const form = h('form', { class: 'inline-form', 'data-testid': 'change-form', 'aria-label': t.changeStatus },
    scopeField,
    h('label', { class: 'field' }, h('span', {}, t.newState), state),
    dateField,
    h('label', { class: 'field' }, h('span', {}, t.changeNote), note),
    submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = options.find((o) => o.key === scope.value) ?? options[0];
    submit.disabled = true;
    showOutcome(message, { text: t.working, error: false });
    try {
      const answer = await changeStatus(chosen.scope, {
        state: state.value as MigrationState, version: chosen.version,
        ...(state.value === 'scheduled' ? { date: date.value } : {}), ...(note.value.trim() ? { note: note.value.trim() } : {}),
      });
      changed({ text: t.statusChanged(chosen.label, stateName(state.value), answer.changed, answer.unchanged), error: false });
    } catch (e) {
      // Signed out meanwhile: the router shows the sign-in page again.
      if (e instanceof Unauthorised) window.dispatchEvent(new HashChangeEvent('hashchange'));
      const refused = { text: e instanceof Error ? e.message : String(e), error: true };
      showOutcome(message, refused);
      if (e instanceof ApiError && e.code === 'stale_version') changed(refused);
    } finally {
      submit.disabled = false;
    }
  });

  const pickHost = (host: HostStatus) => {
    const option = hostOption(host);
    const existing = options.findIndex((o) => o.key.startsWith('host:'));
    if (existing >= 0) options.splice(existing, 1);
    options.push(option);
    scope.querySelector('option[value^="host:"]')?.remove();
    scope.append(h('option', { value: option.key }, option.label));
    scope.value = option.key;
    scopeField.hidden = false;
    submit.disabled = false;
    scope.focus();
  };
  return { element: h('div', {}, form, message), pickHost };
}

function historyTable(hostname: string, entries: HistoryEntry[]): HTMLElement {
  if (entries.length === 0) return h('p', { class: 'muted', 'data-testid': 'history-empty' }, t.noStatusHistory(hostname));
  return h('table', { class: 'data', 'data-testid': 'history-table' },
    h('caption', {}, t.historyOf(hostname)),
    h('thead', {}, h('tr', {}, ...[t.changedAt, t.changedBy, t.fromState, t.toState, t.scheduledFor, t.changeNote]
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...entries.map((e) => h('tr', { 'data-to': e.to },
      h('td', {}, formatDate(e.at)), h('td', { dir: 'auto' }, e.by), h('td', {}, stateName(e.from)), h('td', {}, stateName(e.to)),
      h('td', {}, e.date ? formatDay(e.date) : ''), h('td', { dir: 'auto' }, e.note)))));
}

// The validation of a host whose target is linked: fine, not measured yet, or each regression.
function validationCell(validation: HostValidation | null | undefined): HTMLElement {
  const cell = h('td', { 'data-testid': 'host-validation', 'data-status': validation?.status });
  if (!validation) return cell;
  if (validation.status !== 'regressions') {
    cell.append(h('span', { class: validation.status === 'ok' ? 'validation-ok' : 'muted' },
      validation.status === 'ok' ? t.validationOk : t.validationNoData));
    return cell;
  }
  cell.append(h('ul', { class: 'flags' }, ...validation.flags.map((f) => h('li', { 'data-rule': f.rule },
    h('span', { class: 'flag-rule' }, t.validationRules[f.rule] ?? f.rule), ' ',
    h('bdi', {}, f.detail ? `${f.subject} (${f.detail})` : f.subject)))));
  return cell;
}

function hostRow(host: HostStatus, canChange: boolean, validation: boolean): HTMLElement {
  return h('tr', { 'data-host': host.id, 'data-state': host.state },
    h('th', { scope: 'row' }, link(`/hosts/${encodeURIComponent(host.id)}`, host.hostname || host.id)),
    h('td', { dir: 'auto' }, host.move_group),
    h('td', { class: `migration-state state-${host.state}`, 'data-testid': 'host-state' }, stateName(host.state)),
    h('td', {}, host.date ? formatDay(host.date) : ''),
    h('td', { dir: 'auto' }, host.changed_by), h('td', {}, host.changed_at ? formatDate(host.changed_at) : ''),
    h('td', { dir: 'auto', class: 'note' }, host.note),
    validation ? validationCell(host.validation) : null,
    h('td', { class: 'row-actions' },
      canChange ? h('button', { type: 'button', 'data-action': 'pick', 'aria-label': t.changeHost(host.hostname || host.id) }, t.changeShort) : null,
      h('button', { type: 'button', 'data-action': 'history', 'aria-label': t.historyOf(host.hostname || host.id) }, t.history)));
}

const kPageSize = 100;

// The hosts table, a page of 100 at a time (a wave may have 500: drawing them all costs more than
// the API's answer), with a search by name or id when there is more than a page; its buttons are
// handled once on the table, not one listener per host.
function hostsTable(view: { prefix: string; validation: boolean }, hosts: HostStatus[], canChange: boolean,
  pick: (host: HostStatus) => void, history: (host: HostStatus) => void): HTMLElement {
  const { prefix } = view;
  const byId = new Map(hosts.map((x) => [x.id, x]));
  const body = h('tbody');
  const columns = [t.hostname, t.moveGroup, t.migrationState, t.scheduledFor, t.changedBy, t.changedAt, t.changeNote,
    ...(view.validation ? [t.validation] : []), t.actions];
  const table = h('table', { class: 'data', 'data-testid': `${prefix}-hosts` },
    h('thead', {}, h('tr', {}, ...columns.map((x) => h('th', { scope: 'col' }, x)))),
    body);
  table.addEventListener('click', (event) => {
    const button = (event.target as Element).closest('button[data-action]');
    const host = byId.get(button?.closest('tr')?.getAttribute('data-host') ?? '');
    if (!button || !host) return;
    if (button.getAttribute('data-action') === 'pick') pick(host);
    else history(host);
  });
  const search = h('input', { type: 'search', 'aria-label': t.search, placeholder: t.search, 'data-testid': `${prefix}-search` });
  const previous = h('button', { type: 'button', 'data-testid': `${prefix}-previous` }, t.previous);
  const next = h('button', { type: 'button', 'data-testid': `${prefix}-next` }, t.next);
  const where = h('span', { 'data-testid': `${prefix}-page` });
  const pager = h('div', { class: 'pager', 'data-testid': `${prefix}-pager` }, previous, where, next);
  let shown = hosts;
  let page = 0;
  const show = () => {
    const pages = Math.max(1, Math.ceil(shown.length / kPageSize));
    body.replaceChildren(...shown.slice(page * kPageSize, (page + 1) * kPageSize).map((x) => hostRow(x, canChange, view.validation)));
    where.textContent = t.page(page + 1, pages);
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
    pager.hidden = pages === 1;
  };
  search.addEventListener('input', () => {
    const text = search.value.trim().toLowerCase();
    shown = text ? hosts.filter((x) => x.hostname.toLowerCase().includes(text) || x.id.toLowerCase().includes(text)) : hosts;
    page = 0;
    show();
  });
  previous.addEventListener('click', () => { page--; show(); });
  next.addEventListener('click', () => { page++; show(); });
  show();
  return h('div', {}, hosts.length > kPageSize ? h('div', { class: 'filters' }, search) : null, table, pager);
}

export async function trackingPage<T extends TrackedHosts>(view: TrackingView<T>): Promise<HTMLElement> {
  const { prefix } = view;
  const page = h('div', { class: 'page' });
  const role = session()?.role;
  const canChange = role === 'planner' || role === 'admin';
  const historyBox = h('div', { 'data-testid': 'history', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t.historyHint));

  const showHistory = async (host: HostStatus) => {
    historyBox.replaceChildren(h('p', { class: 'muted' }, t.loading));
    try {
      historyBox.replaceChildren(historyTable(host.hostname || host.id, await hostHistory(host.id)));
    } catch (e) {
      historyBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e)));
    }
    historyBox.scrollIntoView({ block: 'nearest' });
  };

  // Draws the hosts as last read, with the outcome of the change that led here.
  const render = (data: T, said: Outcome | null = null) => {
    const reload = (outcome: Outcome) => view.load().then((d) => render(d, outcome),
      (e: unknown) => render(data, { text: e instanceof Error ? e.message : String(e), error: true }));
    const form = canChange ? changeForm(view.scopes(data), view.states, view.initialState, said, (outcome) => void reload(outcome)) : null;
    page.replaceChildren(
      h('p', {}, link('/progress', t.backToProgress)),
      h('h1', { 'data-testid': `${prefix}-title`, 'data-version': data.version }, view.title),
      ...(view.intro ? [h('p', { class: 'muted' }, view.intro)] : []),
      stateTiles(prefix, data, view.states),
      form ? panel(`${prefix}-change`, t.changeStatus, form.element) : h('p', { class: 'muted', 'data-testid': `${prefix}-readonly` }, t.statusReadOnly),
      panel(`${prefix}-hosts-panel`, view.hostsTitle(data.hosts.length),
        hostsTable(view, data.hosts, canChange, (host) => form?.pickHost(host), (host) => void showHistory(host))),
      panel(`${prefix}-history`, t.history, historyBox));
  };
  render(await view.load());
  return page;
}

export function wavePage(number: number): Promise<HTMLElement> {
  return trackingPage<Wave>({
    prefix: 'wave', title: t.waveTitle(number), states: kMigrationStates, initialState: 'scheduled', scopes: scopeOptions,
    hostsTitle: t.waveHosts, validation: true, load: () => loadWave(number),
  });
}
