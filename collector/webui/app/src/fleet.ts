// The fleet as the Overview and Hosts pages see it: /api/v1/fleet (inventory, labels, utilisation
// percentiles) joined with the hosts' state from /api/v1/hosts. Loaded once, shared by the pages.
import { getJson } from './api';

export interface Stats {
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  max?: number;
}
export interface FleetHost {
  id: string;
  hostname: string;
  labels: Record<string, string>;
  os?: { family?: string; name?: string; version?: string; arch?: string };
  cpu?: { cores?: number; model?: string };
  memory_bytes?: number;
  disks?: { name?: string; size_bytes?: number; used_bytes?: number }[];
  utilisation?: Record<string, Stats | number>;
}
export interface Host extends FleetHost {
  stale: boolean;
  osLabel: string;
  storageBytes: number;
  cpuP95?: number;
  memoryP95?: number;
}
interface HostPage {
  total: number;
  hosts: { id: string }[];
}

const kPage = 1000;

async function staleIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let offset = 0; ; offset += kPage) {
    const page = await getJson<HostPage>(`/api/v1/hosts?state=stale&limit=${kPage}&offset=${offset}`);
    for (const host of page.hosts) ids.add(host.id);
    if (offset + kPage >= page.total) return ids;
  }
}

function p95(host: FleetHost, metric: string): number | undefined {
  const stats = host.utilisation?.[metric];
  return typeof stats === 'object' && typeof stats.p95 === 'number' ? stats.p95 : undefined;
}

export function osLabel(os: FleetHost['os']): string {
  return [os?.name ?? os?.family, os?.version].filter(Boolean).join(' ');
}

function enrich(host: FleetHost, stale: Set<string>): Host {
  return {
    ...host,
    labels: host.labels ?? {},
    stale: stale.has(host.id),
    osLabel: osLabel(host.os),
    storageBytes: (host.disks ?? []).reduce((sum, d) => sum + (d.size_bytes ?? 0), 0),
    cpuP95: p95(host, 'cpu_ratio'),
    memoryP95: p95(host, 'memory_ratio'),
  };
}

let cache: Promise<Host[]> | null = null;

export function loadFleet(): Promise<Host[]> {
  if (!cache) {
    cache = Promise.all([getJson<{ hosts: FleetHost[] }>('/api/v1/fleet'), staleIds()]).then(
      ([fleet, stale]) => fleet.hosts.map((h) => enrich(h, stale)),
    );
    cache.catch(() => (cache = null));
  }
  return cache;
}

export function forgetFleet(): void {
  cache = null;
}

export interface Totals {
  hosts: number;
  stale: number;
  cores: number;
  memoryBytes: number;
  storageBytes: number;
}

export function totals(hosts: Host[]): Totals {
  const t: Totals = { hosts: hosts.length, stale: 0, cores: 0, memoryBytes: 0, storageBytes: 0 };
  for (const h of hosts) {
    if (h.stale) t.stale++;
    t.cores += h.cpu?.cores ?? 0;
    t.memoryBytes += h.memory_bytes ?? 0;
    t.storageBytes += h.storageBytes;
  }
  return t;
}

// Counts per key, largest first; hosts without a value count under `unknown`.
export function countBy(hosts: Host[], key: (h: Host) => string | undefined, unknown: string) {
  const counts = new Map<string, number>();
  for (const h of hosts) {
    const k = key(h) || unknown;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

// Hosts per utilisation band of 10 % (the last band holds 90-100 % and above).
export function utilisationBands(values: (number | undefined)[]): [string, number][] {
  const bands = new Array<number>(10).fill(0);
  for (const v of values) {
    if (v === undefined) continue;
    bands[Math.min(9, Math.max(0, Math.floor(v * 10)))]++;
  }
  return bands.map((n, i) => [`${i * 10}–${i * 10 + 10} %`, n]);
}
