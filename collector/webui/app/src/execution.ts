// Execution tracking as the collector answers it (docs/execution.md): baselines and their
// difference with the live plan, waves with their hosts' migration states, status changes, a
// host's history and the progress report. Each page makes one or two calls, never one per host.
import { getJson, sendJson } from './api';

// The lifecycle in its order (GET /api/v1/waves says the same in `states`).
export const kMigrationStates = [
  'planned', 'scheduled', 'in_progress', 'cut_over', 'validated', 'retired', 'blocked', 'rolled_back',
] as const;
export type MigrationState = (typeof kMigrationStates)[number];
// The track of a host the plan retires in place (no wave): scheduled for a switch-off date, then
// switched off where it is, or blocked; nothing moves, so nothing is cut over or validated.
export const kRetireStates = ['planned', 'scheduled', 'retired', 'blocked'] as const satisfies readonly MigrationState[];
export type StateCounts = Record<string, number>;

export interface Baseline {
  id: number;
  name: string;
  currency: string;
  approved_by: string;
  approved_at: string;
  hosts: number;
  moving_hosts: number;
  monthly_cost: number;
}

interface DiffHost {
  id: string;
  hostname: string;
  baseline_wave?: number;
  live_wave?: number;
}
export interface BaselineDiff {
  baseline: Baseline;
  plan_currency: string;
  moved: DiffHost[];
  new: DiffHost[];
  absent: DiffHost[];
  changed_waves: number[];
  monthly_cost: { baseline: number; live: number; delta: number };
}

export interface WaveListEntry {
  number: number;
  hosts: number;
  version: number;
  states: StateCounts;
}

// A linked host's before/after validation as its wave's page has it: its regressions only.
export interface ValidationFlag {
  rule: string;  // port_listening, service_running, dependency_reached, cpu_p95, memory_p95
  subject: string;
  detail: string;
}
export interface HostValidation {
  target: string;
  status: 'ok' | 'regressions' | 'no_data';
  regressions: number;
  flags: ValidationFlag[];
}

export interface HostStatus {
  id: string;
  hostname: string;
  move_group: string;
  state: string;
  date: string;
  note: string;
  changed_by: string;
  changed_at: string | null;
  version: number;
  validation?: HostValidation | null;  // null: no target linked
}
export interface Wave {
  baseline: number;
  wave: number;
  version: number;
  states: StateCounts;
  regressions?: number;  // hosts whose validation found regressions
  hosts: HostStatus[];
}

// The hosts the plan retires in place (GET /api/v1/retirements), drawn as a wave's hosts.
export interface Retirements {
  version: number;
  states: StateCounts;
  hosts: HostStatus[];
}

export interface HistoryEntry {
  at: string;
  from: string;
  to: string;
  date: string;
  note: string;
  by: string;
}

export interface Figures {
  hosts: number;
  moving_hosts: number;  // in a wave; the others the plan retires in place
  moved: number;  // hosts in a wave cut over or later (not those the plan retires in place)
  validated: number;  // hosts in a wave validated or later
  states: StateCounts;
  planned_monthly_cost: number;
  committed_monthly_cost: number;
  retired_servers: number;
  retired_in_place: number;  // of the servers switched off, those the plan retires (no wave)
  retired_on_premises_monthly_cost: number;
}
export interface Place extends Figures {
  region: string;
  province?: string;
  commune?: string;
}
export interface Progress {
  baseline: number;
  baseline_name: string;
  currency: string;
  total: Figures;
  regions: Place[];
  provinces: Place[];
  communes: Place[];
}

export interface StatusChange {
  state: MigrationState;
  version: number;
  date?: string;
  note?: string;
}
export interface StatusAnswer {
  changed: number;
  unchanged: number;
  version: number;
}

export async function listBaselines(): Promise<Baseline[]> {
  return (await getJson<{ baselines: Baseline[] }>('/api/v1/baselines')).baselines;
}

export async function approveBaseline(name: string): Promise<Baseline> {
  return (await sendJson<Baseline>('POST', '/api/v1/baselines', { name })) as Baseline;
}

export function baselineDiff(id: number): Promise<BaselineDiff> {
  return getJson<BaselineDiff>(`/api/v1/baselines/${id}/diff`);
}

export async function adoptWave(id: number, wave: number): Promise<{ hosts: number }> {
  return (await sendJson<{ hosts: number }>('POST', `/api/v1/baselines/${id}/waves/${wave}/adopt`, {})) as { hosts: number };
}

export async function listWaves(): Promise<WaveListEntry[]> {
  return (await getJson<{ waves: WaveListEntry[] }>('/api/v1/waves')).waves;
}

export function loadWave(n: number): Promise<Wave> {
  return getJson<Wave>(`/api/v1/waves/${n}`);
}

export function loadRetirements(): Promise<Retirements> {
  return getJson<Retirements>('/api/v1/retirements');
}

export async function hostHistory(id: string): Promise<HistoryEntry[]> {
  return (await getJson<{ history: HistoryEntry[] }>(`/api/v1/hosts/${encodeURIComponent(id)}/migration`)).history;
}

export function loadProgress(): Promise<Progress> {
  return getJson<Progress>('/api/v1/progress');
}

// What a status change applies to: the API path that changes it.
export type Scope = { kind: 'wave'; wave: number } | { kind: 'group'; id: string } | { kind: 'host'; id: string };

function statusPath(scope: Scope): string {
  if (scope.kind === 'wave') return `/api/v1/waves/${scope.wave}/status`;
  if (scope.kind === 'group') return `/api/v1/move-groups/${encodeURIComponent(scope.id)}/status`;
  return `/api/v1/hosts/${encodeURIComponent(scope.id)}/migration`;
}

export async function changeStatus(scope: Scope, change: StatusChange): Promise<StatusAnswer> {
  return (await sendJson<StatusAnswer>('POST', statusPath(scope), change)) as StatusAnswer;
}

// The hosts of a progress figure whose source is retired (moved ones and those retired in place).
export const retiredHosts = (s: StateCounts) => s.retired ?? 0;
