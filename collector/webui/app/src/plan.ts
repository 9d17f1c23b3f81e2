// What the fleet pages read of the planner (/api/v1/plan*): the summary for the Overview, each
// host's recommendation, and the whole plan for the strategy filter and the dependency graph.
// The collector computes the plan in the background: until it is ready the endpoints answer
// without it (202/503), and the pages show a placeholder and retry.
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
export interface Plan extends PlanSummary {
  hosts: PlanHost[];
  move_groups?: { id: string; wave?: number; hosts: string[] }[];
  cut_dependencies?: { source: string; target: string }[];
  shared_infrastructure?: string[];
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
let planCache: Promise<Plan | null> | null = null;

export function loadPlanSummary(): Promise<PlanSummary | null> {
  summaryCache ??= whenReady<PlanSummary>('/api/v1/plan/summary');
  summaryCache.then((s) => { if (!s) summaryCache = null; }, () => (summaryCache = null));
  return summaryCache;
}

export function loadPlan(): Promise<Plan | null> {
  planCache ??= whenReady<Plan>('/api/v1/plan');
  planCache.then((p) => { if (!p) planCache = null; }, () => (planCache = null));
  return planCache;
}

export function loadHostPlan(id: string): Promise<PlanHost | null> {
  return whenReady<PlanHost>(`/api/v1/plan/hosts/${encodeURIComponent(id)}`);
}

export function forgetPlan(): void {
  summaryCache = null;
  planCache = null;
}
