// GET /api/v1/fleet/summary: the Overview's figures, computed by the collector.
import { getJson } from './api';

export interface GroupTotals {
  name: string | null;
  hosts: number;
  cores: number;
  memory_bytes: number;
  storage_bytes: number;
}
export type EndOfLifeStatus = 'supported' | 'ending_soon' | 'ended' | 'unknown';
export interface FleetSummary {
  hosts: number;
  cores: number;
  memory_bytes: number;
  storage_bytes: number;
  stale: number;
  agents: { reporting: number; stale: number };
  by_region: GroupTotals[];
  by_province: GroupTotals[];
  by_os: { name: string | null; hosts: number; end_of_life: string | null; status: EndOfLifeStatus }[];
  end_of_life: Record<EndOfLifeStatus, number>;
  utilisation: { bands: number; cpu_p95: number[]; memory_p95: number[] };
}

export function loadSummary(): Promise<FleetSummary> {
  return getJson<FleetSummary>('/api/v1/fleet/summary');
}
