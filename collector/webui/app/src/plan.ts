// What the fleet pages read of the planner: /api/v1/plan/summary for the Overview, each host's
// recommendation (/api/v1/plan/hosts/{id}), and /api/v1/plan/groups for the strategy filter and
// the dependency graph. A plan takes a moment to compute: the pages show a placeholder meanwhile
// (and retry while the collector answers 503, e.g. no planner configuration yet).
import { getJsonIfReady } from './api';

export const kStrategies = ['rehost', 'replatform', 'retire', 'retain'] as const;

export interface PlanTotals {
  hosts?: number;
  rehost?: number;
  replatform?: number;
  retire?: number;
  retain?: number;
  monthly_cost?: number;
  on_premises_monthly_cost?: number;
  monthly_difference?: number;
}
export interface PlanSummary {
  totals?: PlanTotals;
  strategies?: Record<string, number>;
  parameters?: Record<string, unknown>;
}
export interface PlanHost {
  id: string;
  strategy: string;
  reasons?: string[];
  flags?: string[];
  confidence?: number;
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
  move_groups: { id: string; wave: number; hosts: string[] }[];
  shared_infrastructure: string[];
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
}
