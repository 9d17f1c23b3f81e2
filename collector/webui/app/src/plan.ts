// The plan as the Plan, Costs and Exports pages see it: the what-if parameters the user is
// exploring (kept for the session, shared by the three pages), the plan summary computed for them
// by the collector (POST /api/v1/plan/summary) and the named scenarios (/api/v1/scenarios); and
// what the fleet pages read of the default plan: the summary for the Overview, each host's
// recommendation, and the per-host strategies and move groups (GET /api/v1/plan/groups) for the
// Hosts filter and the dependency graph.
import { getJson, getJsonIfReady, sendJson } from './api';
import type { PlannerMessage } from './i18n/planner';

// What-if parameters as planner.yaml keys ("sizing.comfort_factor"); sent as a nested overlay.
export interface WhatIf {
  'sizing.mode': string;
  'sizing.percentile': string;
  'sizing.comfort_factor': number;
  'costs.commitment': string;
  'providers.allowed': string[];
  'waves.pilot_waves': number;
  'waves.ramp': number[];
  'waves.teams': number;
  'waves.hosts_per_team': number;
  'waves.transfer_hours_per_day': number;
  'waves.start_date': string;
  'waves.length_days': number;
}
export const kWhatIfKeys: (keyof WhatIf)[] = [
  'sizing.mode', 'sizing.percentile', 'sizing.comfort_factor', 'costs.commitment', 'providers.allowed',
  'waves.pilot_waves', 'waves.ramp', 'waves.teams', 'waves.hosts_per_team', 'waves.transfer_hours_per_day',
  'waves.start_date', 'waves.length_days',
];
export const kCommitments = ['on-demand', '1y', '3y'] as const;
export type Commitment = (typeof kCommitments)[number];

export interface Rollup {
  key: string;
  hosts: number;
  monthly_cost: number;
  on_premises_monthly_cost?: number;
  one_time_cost?: number;
}
export interface WaveSummary {
  number: number;
  // Counts in the summary; the full plan lists ids instead.
  hosts: number | string[];
  groups?: number | string[];
  move_groups?: number | string[];
  monthly_cost: number;
  one_time_cost: number;
  transfer_hours: number;
  transfer_gb?: number;
  start: string;
  end: string;
  pilot: boolean;
  environment: string;
}
export interface Breakdown {
  compute: number;
  storage: number;
  egress: number;
  licences: number;
}
export interface Totals {
  monthly_cost: number;
  monthly_cost_on_demand: number;
  monthly_cost_by_commitment: Record<string, number>;
  one_time_cost: number;
  on_premises_monthly_cost: number;
  retained_on_premises_monthly_cost: number;
  monthly_difference: number;
  monthly_cost_breakdown: Breakdown;
  commitment?: string;
  hosts: number;
  rehost: number;
  replatform: number;
  retire: number;
  retain: number;
  flagged: number;
  retire_to_confirm?: number;
}
export interface Violation {
  constraint: string;
  detail: string;
  detail_message?: PlannerMessage | null;
  kind?: string;
  hosts?: { id: string; hostname: string }[];
  groups?: string[];
  group_names?: string[];
  waves?: number[];
  reason?: string;
  reason_message?: PlannerMessage | null;
  fix?: string;
  fix_message?: PlannerMessage | null;
}
export interface Violations {
  total: number;
  by_constraint: Record<string, number>;
  by_kind?: Record<string, number>;
  by_wave?: { wave: number; count: number }[];
  first: Violation[];
}
// sahab-plan-summary/1 (docs/api.md#plan).
export interface PlanSummary {
  currency: string;
  parameters: Record<string, unknown>;
  providers?: string[];
  rules: string[];
  rule_messages?: PlannerMessage[];  // parallel to rules: their keys, worded by planner/messages.json
  assumptions: string[];
  assumption_messages?: PlannerMessage[];
  waves: WaveSummary[];
  violations: Violations;
  costs: { by_resource: Breakdown; by_region: Rollup[]; by_commune: Rollup[] };
  totals: Totals;
  strategies?: Record<string, number>;
}

export interface Scenario {
  name: string;
  description: string;
  parameters: Record<string, unknown>;  // the planner.yaml overlay, nested
}

const count = (v: number | string[] | undefined) => (Array.isArray(v) ? v.length : v ?? 0);
export const waveHosts = (w: WaveSummary): number => count(w.hosts);
export const waveGroups = (w: WaveSummary): number => count(w.groups ?? w.move_groups);

// {"sizing.mode": "as-is"} -> {"sizing": {"mode": "as-is"}}: the planner.yaml overlay.
export function overlay(values: Partial<WhatIf>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(values)) {
    const [section, name] = key.split('.');
    (out[section] ??= {})[name] = value;
  }
  return out;
}

// A parameter of the plan, whether the API lists them flat ("sizing.mode") or nested.
function parameter(parameters: Record<string, unknown>, key: string): unknown {
  if (key in parameters) return parameters[key];
  const [section, name] = key.split('.');
  const nested = parameters[section];
  return nested && typeof nested === 'object' ? (nested as Record<string, unknown>)[name] : undefined;
}

// The what-if values among parameters (a plan's, flat or nested, or a scenario's overlay).
export function whatIfFrom(parameters: Record<string, unknown>): Partial<WhatIf> {
  const values: Record<string, unknown> = {};
  for (const key of kWhatIfKeys) {
    const value = parameter(parameters ?? {}, key);
    if (value !== undefined) values[key] = value;
  }
  return values as Partial<WhatIf>;
}

const kStorageKey = 'sahab.whatif';

// The what-if the user last computed (this tab only), shared by the Plan, Costs and Exports pages.
export function currentWhatIf(): Partial<WhatIf> {
  try {
    const stored = JSON.parse(sessionStorage.getItem(kStorageKey) ?? '{}') as unknown;
    return stored && typeof stored === 'object' ? (stored as Partial<WhatIf>) : {};
  } catch {
    return {};
  }
}

export function setCurrentWhatIf(values: Partial<WhatIf>): void {
  sessionStorage.setItem(kStorageKey, JSON.stringify(values));
}

// The plan summary for what-if values (flat keys) or a stored overlay (nested, as scenarios keep it).
export async function planSummary(values: Partial<WhatIf> | Record<string, unknown>, signal?: AbortSignal): Promise<PlanSummary> {
  const parameters = Object.keys(values).some((k) => k.includes('.')) ? overlay(values as Partial<WhatIf>) : values;
  if (Object.keys(parameters).length === 0) return getJson<PlanSummary>('/api/v1/plan/summary', signal);
  return (await sendJson<PlanSummary>('POST', '/api/v1/plan/summary', { parameters }, signal)) as PlanSummary;
}

// GET /api/v1/plan/parameters: the configured parameters (flat keys) and the catalogue's providers,
// answered without planning, so the what-if form shows while a plan is being computed.
export interface PlanParameters {
  parameters: Record<string, unknown>;
  providers: string[];
}
let parametersCache: Promise<PlanParameters> | null = null;

export function planParameters(): Promise<PlanParameters> {
  parametersCache ??= getJson<PlanParameters>('/api/v1/plan/parameters');
  parametersCache.catch(() => (parametersCache = null));
  return parametersCache;
}

const scenarioPath = (name: string) => `/api/v1/scenarios/${encodeURIComponent(name)}`;

// Names, descriptions and parameters only: each scenario's figures would cost a plan.
export async function listScenarios(): Promise<Scenario[]> {
  return (await getJson<{ scenarios: Scenario[] }>('/api/v1/scenarios?figures=none')).scenarios;
}

export async function saveScenario(name: string, description: string, values: Partial<WhatIf>): Promise<void> {
  await sendJson('PUT', scenarioPath(name), { description, parameters: overlay(values) });
}

export async function deleteScenario(name: string): Promise<void> {
  await sendJson('DELETE', scenarioPath(name));
}

export async function scenarioSummary(name: string): Promise<PlanSummary> {
  return getJson<PlanSummary>(`/api/v1/plan/summary?scenario=${encodeURIComponent(name)}`);
}

// Where to download a scenario's plan (format json|csv|html; table for csv).
export function scenarioPlanUrl(name: string, format: string, table?: string): string {
  return `${scenarioPath(name)}/plan?format=${format}${table ? `&table=${table}` : ''}`;
}

// The default plan, as the fleet pages read it. The collector plans on demand; while it is busy or
// has no planner configured the endpoints answer 202/503, and the pages show a placeholder.
export const kStrategies = ['rehost', 'replatform', 'retire', 'retain'] as const;

export interface PlanHost {
  id: string;
  strategy: string;
  reasons?: string[];
  reason_messages?: PlannerMessage[];
  flags?: string[];
  flag_messages?: PlannerMessage[];
  confidence?: number;
  confidence_factors?: { name: string; value: string; effect: number; value_message?: PlannerMessage }[];
  to_confirm?: string;
  monthly_cost?: number;
  on_premises_monthly_cost?: number;
  move_group?: string | null;
  wave?: number | null;
  shared_infrastructure?: boolean;
  target?: { provider?: string; instance?: string; vcpu?: number; memory_gib?: number; managed_service?: string } | null;
}
// GET /api/v1/plan/groups: per-host strategy, group and wave as parallel arrays, the move groups,
// shared infrastructure and cut dependencies (not the 16 MB plan).
export interface PlanGroups {
  hosts: { id: string[]; strategy: string[]; group: number[]; wave: number[] };
  move_groups: { id: string; name?: string; wave: number; hosts: string[] }[];
  shared_infrastructure: string[];
  retire_to_confirm?: string[];
  cut_dependencies: { source: string; target: string }[];
}

const kRetryMs = 2000;
const kMaxTries = 60;

// Calls `path` until it answers (or gives up after two minutes: null).
async function whenReady<T>(path: string): Promise<T | null> {
  for (let attempt = 0; attempt < kMaxTries; attempt++) {
    const body = await getJsonIfReady<T>(path);
    if (body !== null) return body;
    await new Promise((resolve) => setTimeout(resolve, kRetryMs));
  }
  return null;
}

export function strategyCounts(summary: PlanSummary): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of kStrategies) counts[s] = summary.strategies?.[s] ?? summary.totals?.[s] ?? 0;
  return counts;
}

// The percentile the planner sized with ("p95"), from the plan's parameters.
export function plannerPercentile(plan: PlanSummary | null): string {
  const p = plan?.parameters;
  const flat = p?.['sizing.percentile'];
  const nested = (p?.sizing as Record<string, unknown> | undefined)?.percentile;
  const value = typeof flat === 'string' ? flat : typeof nested === 'string' ? nested : 'p95';
  return /^(p50|p90|p95|p99|max)$/.test(value) ? value : 'p95';
}

let summaryCache: Promise<PlanSummary | null> | null = null;
let planCache: Promise<PlanGroups | null> | null = null;

export function loadPlanSummary(): Promise<PlanSummary | null> {
  summaryCache ??= whenReady<PlanSummary>('/api/v1/plan/summary');
  summaryCache.then((s) => { if (!s) summaryCache = null; }, () => (summaryCache = null));
  return summaryCache;
}

export function loadPlan(): Promise<PlanGroups | null> {
  planCache ??= whenReady<PlanGroups>('/api/v1/plan/groups');
  planCache.then((p) => { if (!p) planCache = null; }, () => (planCache = null));
  return planCache;
}

export function loadHostPlan(id: string): Promise<PlanHost | null> {
  return whenReady<{ host: PlanHost }>(`/api/v1/plan/hosts/${encodeURIComponent(id)}`).then((r) => r?.host ?? null);
}

export function forgetPlan(): void {
  summaryCache = null;
  planCache = null;
  parametersCache = null;
}
