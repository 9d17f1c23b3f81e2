// The fleet as the Hosts page sees it: GET /api/v1/fleet/hosts, one compact row per host (labels,
// OS, sizes, CPU and memory p95 over 30 days, state) computed by the collector, a fraction of the
// full fleet document. Loaded once, shared by visits to the page.
import { getJson } from './api';
import type { EndOfLifeStatus } from './summary';

export interface Stats {
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  max?: number;
}
interface HostRow {
  id: string;
  hostname: string;
  labels: Record<string, string>;
  source: string;
  state: string;
  os: string;
  cores: number;
  memory_bytes: number;
  storage_bytes: number;
  cpu_p95: number | null;
  memory_p95: number | null;
}
export interface Host {
  id: string;
  hostname: string;
  labels: Record<string, string>;
  stale: boolean;
  source: string;  // "agent" or "import"
  osLabel: string;
  cores: number;
  memoryBytes: number;
  storageBytes: number;
  cpuP95?: number;
  memoryP95?: number;
  strategy?: string;  // from the plan, once it is computed
  toConfirm?: boolean;  // a retirement the owner must confirm (from the plan)
  endOfLife?: EndOfLifeStatus;  // of its system, from the fleet summary
}

function toHost(row: HostRow): Host {
  return {
    id: row.id,
    hostname: row.hostname,
    labels: row.labels ?? {},
    stale: row.state === 'stale',
    source: row.source,
    osLabel: row.os,
    cores: row.cores,
    memoryBytes: row.memory_bytes,
    storageBytes: row.storage_bytes,
    cpuP95: row.cpu_p95 ?? undefined,
    memoryP95: row.memory_p95 ?? undefined,
  };
}

let cache: Promise<Host[]> | null = null;

export function loadFleet(): Promise<Host[]> {
  if (!cache) {
    cache = getJson<{ hosts: HostRow[] }>('/api/v1/fleet/hosts').then((fleet) => fleet.hosts.map(toHost));
    cache.catch(() => (cache = null));
  }
  return cache;
}

export function forgetFleet(): void {
  cache = null;
}
