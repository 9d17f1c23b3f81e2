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
  strategy?: string;  // from the plan, once it is computed
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
