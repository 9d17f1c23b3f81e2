// Plan: the what-if form recomputing the plan summary through POST /api/v1/plan/summary, the waves
// on a timeline and in a table, compliance rules and warnings, and named scenarios (save, load,
// delete, compare side by side); the baseline approved from the live plan and its differences.
import { session } from '../api';
import { type Child, h, link } from '../dom';
import { formatDay, formatMoney, formatMoneyCompact, formatNumber, t } from '../i18n';
import {
  type PlanSummary, type Scenario, type Violation, type Violations, type WhatIf, currentWhatIf, deleteScenario, kCommitments,
  kWhatIfKeys, listScenarios, planParameters, saveScenario, scenarioSummary, setCurrentWhatIf, waveGroups, waveHosts, whatIfFrom,
} from '../plan';
import { said } from '../i18n/planner';
import { planArea } from '../planarea';
import { baselinePanel } from './baseline';
import { commitmentCost, gantt, panel, table, tile } from '../planviews';

const kPercentiles = ['p50', 'p90', 'p95', 'p99', 'max'];
const kModes = ['performance', 'as-is'];

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), control, hint ? h('small', { class: 'muted' }, hint) : null);
}

function choice(name: string, options: [string, string][], value: string): HTMLSelectElement {
  const select = h('select', { name, 'data-testid': `whatif-${name}` },
    ...options.map(([v, text]) => h('option', { value: v }, text)));
  select.value = value;
  return select;
}

function numberInput(name: string, value: number | undefined, attrs: Record<string, string | number> = {}): HTMLInputElement {
  return h('input', { type: 'number', name, value: value ?? '', required: true, 'data-testid': `whatif-${name}`, ...attrs });
}

// The what-if form; `read` gives the values to send (unchanged inputs included, so a scenario is
// complete on its own).
function whatIfForm(values: Partial<WhatIf>, providers: string[]) {
  const mode = choice('mode', kModes.map((m) => [m, t.sizingModes[m as keyof typeof t.sizingModes] ?? m]), values['sizing.mode'] ?? 'performance');
  const percentile = choice('percentile', kPercentiles.map((p) => [p, p]), values['sizing.percentile'] ?? 'p95');
  // Bounds as the planner checks them (planner/config.cpp): the browser refuses the rest.
  const comfort = numberInput('comfort_factor', values['sizing.comfort_factor'], { step: 'any', min: 1, max: 10 });
  const commitment = choice('commitment', kCommitments.map((c) => [c, t.commitments[c]]), values['costs.commitment'] ?? 'on-demand');
  const allowed = new Set(values['providers.allowed'] ?? []);
  const providerBoxes = providers.map((p) => {
    const box = h('input', { type: 'checkbox', name: 'provider', value: p, 'data-testid': `whatif-provider-${p}` });
    box.checked = allowed.size === 0 || allowed.has(p);
    return box;
  });
  const pilots = numberInput('pilot_waves', values['waves.pilot_waves'], { step: 1, min: 0, max: 100 });
  const ramp = h('input', { type: 'text', name: 'ramp', value: (values['waves.ramp'] ?? []).join(', '),
    'data-testid': 'whatif-ramp', inputmode: 'numeric' });
  const teams = numberInput('teams', values['waves.teams'], { step: 1, min: 1, max: 10000 });
  const perTeam = numberInput('hosts_per_team', values['waves.hosts_per_team'], { step: 1, min: 1, max: 1000000 });
  const hours = numberInput('transfer_hours_per_day', values['waves.transfer_hours_per_day'], { step: 'any', min: 0.1, max: 24 });
  const start = h('input', { type: 'date', name: 'start_date', value: values['waves.start_date'] ?? '', required: true,
    'data-testid': 'whatif-start_date' });
  const length = numberInput('length_days', values['waves.length_days'], { step: 1, min: 1, max: 3650 });

  const read = (): Partial<WhatIf> => {
    const checked = providerBoxes.filter((b) => b.checked).map((b) => b.value);
    return {
      'sizing.mode': mode.value,
      'sizing.percentile': percentile.value,
      'sizing.comfort_factor': comfort.valueAsNumber,
      'costs.commitment': commitment.value,
      // Every provider ticked means no restriction (the planner's default, new catalogues included).
      'providers.allowed': checked.length === providerBoxes.length ? [] : checked,
      'waves.pilot_waves': pilots.valueAsNumber,
      'waves.ramp': ramp.value.split(/[\s,;]+/).filter(Boolean).map(Number),
      'waves.teams': teams.valueAsNumber,
      'waves.hosts_per_team': perTeam.valueAsNumber,
      'waves.transfer_hours_per_day': hours.valueAsNumber,
      'waves.start_date': start.value,
      'waves.length_days': length.valueAsNumber,
    };
  };
  const fieldsets = h('div', { class: 'whatif-groups' },
    h('fieldset', {}, h('legend', {}, t.sizing), field(t.sizingMode, mode), field(t.percentile, percentile, t.percentileHint),
      field(t.comfortFactor, comfort, t.comfortFactorHint)),
    h('fieldset', {}, h('legend', {}, t.costsAndProviders), field(t.commitment, commitment),
      h('div', { class: 'field' }, h('span', { id: 'providers-label' }, t.providersAllowed),
        h('div', { class: 'checks', role: 'group', 'aria-labelledby': 'providers-label' },
          ...providerBoxes.map((b) => h('label', { class: 'check' }, b, b.value))))),
    h('fieldset', {}, h('legend', {}, t.wavesSettings), field(t.pilotWaves, pilots, t.range(0, 100)),
      field(t.ramp, ramp, t.rampHint), field(t.teams, teams), field(t.hostsPerTeam, perTeam),
      field(t.transferHoursPerDay, hours, t.range(0.1, 24)), field(t.startDate, start), field(t.lengthDays, length, t.range(1, 3650))));
  return { fieldsets, read };
}

function strategyTiles(plan: PlanSummary): HTMLElement {
  const s = plan.totals;
  return h('div', { class: 'tiles small', 'data-testid': 'strategies' },
    tile('strategy-rehost', t.strategies.rehost, formatNumber(s.rehost)),
    tile('strategy-replatform', t.strategies.replatform, formatNumber(s.replatform)),
    tile('strategy-retire', t.strategies.retire, formatNumber(s.retire)),
    tile('strategy-retain', t.strategies.retain, formatNumber(s.retain)),
    tile('strategy-flagged', t.flagged, formatNumber(s.flagged)));
}

function waveKind(environment: string): string {
  return environment === 'prod' ? t.prod : environment === 'nonprod' ? t.nonProd : t.mixed;
}

// `before`: the plan shown before a recompute, whose differences are listed first.
function results(plan: PlanSummary, before: PlanSummary | null): HTMLElement {
  const money = (v: number | undefined) => formatMoney(v, plan.currency);
  const totals = plan.totals;
  const waveRows = plan.waves.map((w) => [
    t.waveShort(w.number), waveKind(w.environment) + (w.pilot ? ` · ${t.pilot}` : ''), formatDay(w.start), formatDay(w.end),
    formatNumber(waveHosts(w)), formatNumber(waveGroups(w)), formatNumber(w.transfer_hours, 1), money(w.monthly_cost), money(w.one_time_cost)]);
  const violations: Violations = plan.violations ?? { total: 0, by_constraint: {}, first: [] };
  const flaggedWaves = new Map((violations.by_wave ?? []).map((w) => [w.wave, w.count] as [number, number]));
  return h('div', { class: 'plan-results', 'data-testid': 'plan-results' },
    before ? changesPanel(before, plan) : null,
    constraintsSummary(violations),
    h('div', { class: 'tiles' },
      tile('plan-monthly', t.monthlyCost(t.commitments[chosenCommitment(plan)]), money(totals.monthly_cost)),
      tile('plan-one-time', t.oneTimeCost, money(totals.one_time_cost)),
      tile('plan-on-premises', t.onPremisesMonthly, money(totals.on_premises_monthly_cost)),
      tile('plan-difference', t.monthlyDifference, money(totals.monthly_difference), t.monthlyDifferenceHow),
      tile('plan-waves', t.waves, formatNumber(plan.waves.length)),
      tile('plan-hosts', t.hosts, formatNumber(totals.hosts))),
    strategyTiles(plan),
    panel('waves-timeline', t.timeline, gantt(plan.waves, flaggedWaves)),
    panel('waves-panel', t.wavesTable, table('waves-table',
      [t.wave, t.kind, t.start, t.end, t.hosts, t.groups, t.transferHours, t.monthlyCostShort, t.oneTimeCost],
      waveRows, [false, false, false, false, true, true, true, true, true])),
    h('div', { class: 'panels' },
      panel('rules', t.complianceRules, plan.rules?.length
        ? h('ul', {}, ...plan.rules.map((r, i) => h('li', { 'data-rule': plan.rule_messages?.[i]?.key ?? '' }, said(r, plan.rule_messages?.[i]))),
          ...(plan.assumptions ?? []).map((a, i) => h('li', { 'data-assumption': plan.assumption_messages?.[i]?.key ?? '' },
            said(a, plan.assumption_messages?.[i])))) : h('p', { class: 'muted' }, t.noData)),
      panel('warnings', t.warnings(violations.total, totals.flagged),
        violations.total ? h('p', { 'data-testid': 'warnings-by-constraint' }, Object.entries(violations.by_kind ?? violations.by_constraint)
          .map(([kind, n]) => `${kindName(kind)} : ${formatNumber(n)}`).join(' · ')) : null,
        violations.total ? h('ul', { class: 'warnings', 'data-testid': 'violations-list' }, ...violations.first.map(violationItem))
          : h('p', { class: 'muted' }, t.noWarnings),
        violations.total > violations.first.length ? h('p', { class: 'muted' }, t.moreRows(violations.total - violations.first.length)) : null)));
}

function kindName(kind: string): string {
  return t.constraintKinds[kind as keyof typeof t.constraintKinds] ?? kind;
}

// The first thing on the page: how many constraints the plan does not meet, by kind.
function constraintsSummary(violations: Violations): HTMLElement {
  const byKind = violations.by_kind ?? violations.by_constraint;
  if (!violations.total) {
    return h('section', { class: 'constraints-summary ok', 'data-testid': 'constraints-summary', 'data-total': 0 },
      h('strong', {}, t.noWarnings));
  }
  return h('section', { class: 'constraints-summary', 'data-testid': 'constraints-summary', 'data-total': violations.total,
    role: 'status' },
  h('strong', {}, t.unmetConstraints(violations.total)),
  h('ul', {}, ...Object.entries(byKind).map(([kind, n]) =>
    h('li', { 'data-kind': kind }, `${kindName(kind)} : ${formatNumber(n)}`))),
  (violations.by_wave ?? []).length ? h('p', { class: 'muted' },
    t.affectedWaves((violations.by_wave ?? []).map((w) => t.waveShort(w.wave)).join(', '))) : null);
}

const kHostsShown = 12;

// Groups by what a person calls them, their ids in brackets (the ids the exports use).
function groupNames(v: Violation): string[] {
  return (v.groups ?? []).map((id, i) => (v.group_names?.[i] ? `${v.group_names[i]} [${id}]` : id));
}

// One unmet constraint: what, why, the fix, and the hosts (links to their pages) and groups.
function violationItem(v: Violation): HTMLElement {
  const hosts = v.hosts ?? [];
  return h('li', { 'data-kind': v.kind ?? v.constraint },
    h('strong', {}, v.kind ? kindName(v.kind) : v.constraint), ' — ', h('span', { class: 'detail', 'data-key': v.detail_message?.key ?? '' }, said(v.detail, v.detail_message)),
    v.reason ? h('span', { class: 'why' }, `${t.why} : `, h('span', { 'data-key': v.reason_message?.key ?? '' }, said(v.reason, v.reason_message))) : null,
    v.fix ? h('span', { class: 'fix' }, `${t.fix} : `, h('span', { 'data-key': v.fix_message?.key ?? '' }, said(v.fix, v.fix_message))) : null,
    v.groups?.length ? h('span', { class: 'affected' }, `${t.groups} : `, h('span', {}, groupNames(v).join(' ; '))) : null,
    hosts.length ? h('span', { class: 'affected' }, `${t.hosts} : `,
      ...hosts.slice(0, kHostsShown).flatMap((x, i) => [i ? ', ' : '', link(`/hosts/${encodeURIComponent(x.id)}`, x.hostname || x.id)]),
      hosts.length > kHostsShown ? ` ${t.moreRows(hosts.length - kHostsShown)}` : '') : null);
}

function chosenCommitment(plan: PlanSummary): (typeof kCommitments)[number] {
  const c = plan.totals.commitment ?? whatIfFrom(plan.parameters ?? {})['costs.commitment'];
  return (kCommitments as readonly string[]).includes(c ?? '') ? (c as (typeof kCommitments)[number]) : 'on-demand';
}

type Show = (v: number | undefined) => string;
// key, label, the figure of a plan, how it reads in full and at a glance (amounts compact).
type FigureRow = [string, string, (p: PlanSummary) => number | undefined, Show, Show];

// The figures two plans are compared on: costs, waves, strategies, flagged servers, unmet constraints.
function figureRows(currency: string | undefined): FigureRow[] {
  const money: Show = (v) => formatMoney(v, currency);
  const compact: Show = (v) => formatMoneyCompact(v, currency);
  const count: Show = (v) => formatNumber(v ?? 0);
  return [
    ...kCommitments.map((c): FigureRow => [`monthly-${c}`, t.monthlyCost(t.commitments[c]), (p) => commitmentCost(p, c), money, compact]),
    ['monthly', t.monthlyChosen, (p) => p.totals.monthly_cost, money, compact],
    ['one-time', t.oneTimeCost, (p) => p.totals.one_time_cost, money, compact],
    ['on-premises', t.onPremisesMonthly, (p) => p.totals.on_premises_monthly_cost, money, compact],
    ['waves', t.waves, (p) => p.waves.length, count, count],
    ...(['rehost', 'replatform', 'retire', 'retain'] as const).map((s): FigureRow => [s, t.strategies[s], (p) => p.totals[s], count, count]),
    ['flagged', t.flagged, (p) => p.totals.flagged, count, count],
    ['unmet', t.unmetConstraintsRow, (p) => p.violations?.total, count, count],
  ];
}

const differs = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && Math.abs(a - b) > 0.005;

function delta(v: number, base: number, show: Show): HTMLElement {
  return h('span', { class: 'delta' }, ` (${v - base > 0 ? '+' : '−'}${show(Math.abs(v - base))})`);
}

// A what-if value as the form shows it.
function showParameter(key: keyof WhatIf, value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (key === 'sizing.mode') return t.sizingModes[value as keyof typeof t.sizingModes] ?? String(value);
  if (key === 'costs.commitment') return t.commitments[value as keyof typeof t.commitments] ?? String(value);
  if (key === 'providers.allowed') return (value as string[]).length ? (value as string[]).join(', ') : t.all;
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'number' ? formatNumber(value, 2) : String(value);
}

const parameterLabel = (key: keyof WhatIf): string => ({
  'sizing.mode': t.sizingMode, 'sizing.percentile': t.percentile, 'sizing.comfort_factor': t.comfortFactor,
  'costs.commitment': t.commitment, 'providers.allowed': t.providersAllowed, 'waves.pilot_waves': t.pilotWaves,
  'waves.ramp': t.ramp, 'waves.teams': t.teams, 'waves.hosts_per_team': t.hostsPerTeam,
  'waves.transfer_hours_per_day': t.transferHoursPerDay, 'waves.start_date': t.startDate, 'waves.length_days': t.lengthDays,
})[key];

// The what-if parameters on which plans differ, each plan's value in order.
function parameterDifferences(plans: PlanSummary[]): [keyof WhatIf, string[]][] {
  const values = plans.map((p) => whatIfFrom(p.parameters ?? {}));
  return kWhatIfKeys.flatMap((key): [keyof WhatIf, string[]][] => {
    const shown = values.map((v) => showParameter(key, v[key]));
    return shown.some((s) => s !== shown[0]) ? [[key, shown]] : [];
  });
}

function inputsTable(testId: string, names: string[], plans: PlanSummary[]): HTMLElement {
  const rows = parameterDifferences(plans);
  if (rows.length === 0) return h('p', { class: 'muted', 'data-testid': testId }, t.sameInputs);
  return h('table', { class: 'data compare', 'data-testid': testId },
    h('thead', {}, h('tr', {}, h('th', {}, t.inputDiffers), ...names.map((n) => h('th', { scope: 'col' }, n)))),
    h('tbody', {}, ...rows.map(([key, shown]) => h('tr', { 'data-key': key }, h('th', { scope: 'row' }, parameterLabel(key)),
      ...shown.map((s, i) => h('td', { class: i > 0 && s !== shown[0] ? 'diff' : undefined }, s))))));
}

// Scenarios side by side: the inputs that differ, then the figures; a cell differing from the
// first scenario is highlighted.
function comparison(names: string[], plans: PlanSummary[]): HTMLElement {
  return h('div', {}, inputsTable('compare-inputs', names, plans),
    h('table', { class: 'data compare', 'data-testid': 'compare-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t.metric), ...names.map((n) => h('th', { class: 'num', scope: 'col' }, n)))),
      h('tbody', {}, ...figureRows(plans[0]?.currency).map(([key, label, value, show]) => {
        const base = value(plans[0]);
        return h('tr', { 'data-row': key }, h('th', { scope: 'row' }, label), ...plans.map((p, i) => {
          const v = value(p);
          const changed = i > 0 && differs(v, base);
          return h('td', { class: changed ? 'num diff' : 'num', 'data-scenario': names[i] }, show(v),
            changed ? delta(v as number, base as number, show) : null);
        }));
      }))));
}

// After a recompute: the inputs changed and the figures that moved, before → after.
function changesPanel(before: PlanSummary, after: PlanSummary): HTMLElement {
  const figures = figureRows(after.currency).filter(([, , value]) => differs(value(before), value(after)));
  return panel('plan-changes', t.whatChanged, inputsTable('changed-inputs', [t.before, t.after], [before, after]),
    figures.length === 0 ? h('p', { class: 'muted' }, t.sameFigures) :
      h('ul', { class: 'changes', 'data-testid': 'changed-figures' }, ...figures.map(([key, label, value, show, brief]) => {
        const [a, b] = [value(before) as number, value(after) as number];
        return h('li', { 'data-row': key, title: `${show(a)} → ${show(b)}` }, `${label} : ${brief(a)} → ${brief(b)}`, delta(b, a, brief));
      })));
}

function scenariosPanel(read: () => Partial<WhatIf>, load: (s: Scenario) => void): HTMLElement {
  const role = session()?.role;
  const canWrite = role === 'planner' || role === 'admin';
  const message = h('p', { class: 'status', role: 'status', 'data-testid': 'scenario-status' });
  const list = h('tbody');
  const compareBox = h('div', { 'data-testid': 'compare' });
  const selected = new Set<string>();
  const compareButton = h('button', { type: 'button', 'data-testid': 'compare-button', disabled: true }, t.compare);

  const refresh = async () => {
    const scenarios = await listScenarios();
    for (const name of [...selected]) if (!scenarios.some((s) => s.name === name)) selected.delete(name);
    compareButton.disabled = selected.size < 2;
    list.replaceChildren(...scenarios.map((s) => {
      const pick = h('input', { type: 'checkbox', 'aria-label': t.selectForCompare(s.name), 'data-testid': `pick-${s.name}` });
      pick.checked = selected.has(s.name);
      pick.addEventListener('change', () => {
        if (pick.checked) selected.add(s.name); else selected.delete(s.name);
        compareButton.disabled = selected.size < 2;
      });
      const loadButton = h('button', { type: 'button', 'data-testid': `load-${s.name}` }, t.load);
      loadButton.addEventListener('click', () => load(s));
      const remove = canWrite ? h('button', { type: 'button', class: 'danger', 'data-testid': `delete-${s.name}` }, t.delete) : null;
      remove?.addEventListener('click', async () => {
        if (!confirm(t.confirmDelete(s.name))) return;
        await act(() => deleteScenario(s.name), t.deleted(s.name));
      });
      return h('tr', { 'data-scenario': s.name }, h('td', {}, pick), h('td', {}, s.name), h('td', {}, s.description ?? ''),
        h('td', { class: 'actions' }, loadButton, remove));
    }));
    if (scenarios.length === 0) list.append(h('tr', {}, h('td', { colspan: 4, class: 'muted' }, t.noScenarios)));
  };
  // Runs a change, then says how it went and lists the scenarios again.
  const act = async (change: () => Promise<void>, done: string) => {
    message.textContent = t.working;
    message.classList.remove('error');
    try {
      await change();
      message.textContent = done;
      await refresh();
    } catch (e) {
      message.textContent = e instanceof Error ? e.message : String(e);
      message.classList.add('error');
    }
  };

  compareButton.addEventListener('click', async () => {
    const names = [...selected].sort();
    compareBox.replaceChildren(h('p', { class: 'muted', role: 'status' }, t.computing));
    try {
      const plans = await Promise.all(names.map((n) => scenarioSummary(n)));
      compareBox.replaceChildren(comparison(names, plans));
    } catch (e) {
      compareBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e)));
    }
  });

  let saveForm: HTMLElement | null = null;
  if (canWrite) {
    const name = h('input', { type: 'text', name: 'scenario', required: true, maxlength: 64, pattern: '[A-Za-z0-9 ._\\-]+',
      'data-testid': 'scenario-name' });
    const description = h('input', { type: 'text', name: 'description', maxlength: 200, 'data-testid': 'scenario-description' });
    const form = h('form', { class: 'inline-form', 'data-testid': 'scenario-save' }, field(t.scenarioName, name, t.scenarioNameHint),
      field(t.description, description), h('button', { type: 'submit', 'data-testid': 'scenario-save-button' }, t.saveScenario));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void act(() => saveScenario(name.value.trim(), description.value.trim(), read()), t.saved(name.value.trim()));
    });
    saveForm = form;
  } else {
    saveForm = h('p', { class: 'muted', 'data-testid': 'scenario-readonly' }, t.scenariosReadOnly);
  }
  void refresh().catch((e: unknown) => { message.textContent = String(e); message.classList.add('error'); });
  return panel('scenarios', t.scenarios, saveForm, message,
    h('table', { class: 'data', 'data-testid': 'scenario-list' },
      h('thead', {}, h('tr', {}, h('th', {}, t.compareColumn), h('th', {}, t.scenarioName), h('th', {}, t.description), h('th', {}, t.actions))),
      list),
    compareButton, compareBox);
}

export async function planPage(): Promise<HTMLElement> {
  // The configured parameters come without planning, so the form is usable at once; the plan of
  // the current what-if is computed meanwhile (seconds after a fleet change) into the area below.
  const configured = await planParameters();
  const defaults = whatIfFrom(configured.parameters ?? {});
  let shown: PlanSummary | null = null;  // the plan on screen
  let before: PlanSummary | null = null;  // the plan a recompute replaces, for "what changed"
  const area = planArea('plan', (plan) => results(plan, before));
  const initial = currentWhatIf();
  const build = (values: Partial<WhatIf>) => whatIfForm({ ...defaults, ...values }, configured.providers ?? []);
  let form = build(initial);
  const formBox = h('div', {}, form.fieldsets);
  const showForm = (values: Partial<WhatIf>) => {
    form = build(values);
    formBox.replaceChildren(form.fieldsets);
  };
  // The form stays enabled while a plan computes: a newer what-if supersedes the one in flight.
  const compute = async (values: Partial<WhatIf>) => {
    before = shown;
    const plan = await area.load(values, (p) => t.computed(formatMoney(p.totals.monthly_cost, p.currency)));
    if (!plan) return;
    shown = plan;
    setCurrentWhatIf(values);
  };
  const submit = h('button', { type: 'submit', 'data-testid': 'whatif-submit' }, t.recompute);
  const reset = h('button', { type: 'button', 'data-testid': 'whatif-reset' }, t.resetDefaults);
  const formElement = h('form', { class: 'whatif', 'data-testid': 'whatif', 'aria-label': t.whatIf }, formBox,
    h('div', { class: 'form-actions' }, submit, reset));
  formElement.addEventListener('submit', (event) => {
    event.preventDefault();
    void compute(form.read());
  });
  reset.addEventListener('click', () => {
    showForm({});
    void compute({});
  });

  void area.load(initial).then((plan) => (shown = plan ?? shown));
  const children: Child[] = [
    h('h1', {}, t.navPlan),
    panel('whatif-panel', t.whatIf, formElement),
    area.element,
    baselinePanel(),
    scenariosPanel(() => form.read(), (s) => {
      const values = whatIfFrom(s.parameters ?? {});
      showForm(values);
      void compute(values);
    }),
  ];
  return h('div', { class: 'page' }, ...children);
}
