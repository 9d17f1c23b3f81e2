// Costs: the plan of the current what-if broken down by wave, region, commune and resource, and
// the three pricing options (on demand, 1 year, 3 years) against today's on-premises cost.
import { h } from '../dom';
import { formatMoney, formatNumber, t } from '../i18n';
import { currentWhatIf, kCommitments, type PlanSummary, type Rollup, waveHosts } from '../plan';
import { planArea } from '../planarea';
import { commitmentCost, moneyBars, panel, table, tile } from '../planviews';

function rollupTable(testId: string, title: string, rows: Rollup[], currency: string): HTMLElement {
  const money = (v: number | undefined) => formatMoney(v, currency);
  const sorted = [...rows].sort((a, b) => b.monthly_cost - a.monthly_cost || a.key.localeCompare(b.key));
  return h('details', {}, h('summary', {}, t.allRows(title, rows.length)),
    table(testId, [title, t.hosts, t.monthlyCostShort, t.onPremisesMonthly, t.oneTimeCost],
      sorted.map((r) => [r.key || t.unknown, formatNumber(r.hosts), money(r.monthly_cost), money(r.on_premises_monthly_cost),
        money(r.one_time_cost)]), [false, true, true, true, true]));
}

function costFigures(plan: PlanSummary): HTMLElement {
  const { totals, currency } = plan;
  const money = (v: number | undefined) => formatMoney(v, currency);
  // Cloud cost of an option + what stays on premises, against everything on premises today.
  const retained = totals.retained_on_premises_monthly_cost ?? 0;
  const options = kCommitments.map((c) => {
    const cloud = commitmentCost(plan, c);
    const difference = cloud === undefined ? undefined : cloud + retained - totals.on_premises_monthly_cost;
    return { c, cloud, difference };
  });
  const optionRows = [
    ...options.map(({ c, cloud, difference }) => [t.commitments[c], money(cloud), money(retained),
      money(cloud === undefined ? undefined : cloud + retained), money(difference)]),
    [t.onPremises, '—', money(totals.on_premises_monthly_cost), money(totals.on_premises_monthly_cost), money(0)],
  ];
  const breakdown = plan.costs.by_resource ?? totals.monthly_cost_breakdown ?? { compute: 0, storage: 0, egress: 0, licences: 0 };

  return h('div', {},
    h('div', { class: 'tiles' },
      ...options.map(({ c, cloud }) => tile(`cost-${c}`, t.monthlyCost(t.commitments[c]), money(cloud))),
      tile('cost-on-premises', t.onPremisesMonthly, money(totals.on_premises_monthly_cost)),
      tile('cost-difference', t.monthlyDifference, money(totals.monthly_difference)),
      tile('cost-one-time', t.oneTimeCost, money(totals.one_time_cost))),
    panel('commitments', t.commitmentsVsOnPremises,
      table('commitments-table', [t.option, t.cloudMonthly, t.retainedMonthly, t.totalMonthly, t.differenceVsToday],
        optionRows, [false, true, true, true, true]),
      h('p', { class: 'muted' }, t.differenceHint)),
    h('div', { class: 'panels' },
      panel('by-resource', t.byResource, moneyBars('by-resource-bars', [
        [t.resources.compute, breakdown.compute], [t.resources.storage, breakdown.storage],
        [t.resources.egress, breakdown.egress], [t.resources.licences, breakdown.licences]], currency)),
      panel('by-wave', t.byWave, moneyBars('by-wave-bars', plan.waves.map((w) => [t.waveShort(w.number), w.monthly_cost]), currency, 100, true),
        rollupTable('by-wave-table', t.wave, plan.waves.map((w) => ({ key: t.waveShort(w.number), hosts: waveHosts(w),
          monthly_cost: w.monthly_cost, one_time_cost: w.one_time_cost })), currency)),
      panel('by-region', t.byRegion, moneyBars('by-region-bars', plan.costs.by_region.map((r) => [r.key || t.unknown, r.monthly_cost]), currency),
        rollupTable('by-region-table', t.region, plan.costs.by_region, currency)),
      panel('by-commune', t.byCommune, moneyBars('by-commune-bars', plan.costs.by_commune.map((r) => [r.key || t.unknown, r.monthly_cost]), currency),
        rollupTable('by-commune-table', t.commune, plan.costs.by_commune, currency))));
}

// The page frame at once; the figures when the collector has computed the plan (see planarea.ts).
export async function costsPage(): Promise<HTMLElement> {
  const area = planArea('costs', costFigures);
  void area.load(currentWhatIf());
  return h('div', { class: 'page' },
    h('h1', {}, t.navCosts),
    h('p', { class: 'muted' }, Object.keys(currentWhatIf()).length ? t.costsOfWhatIf : t.costsOfDefaults),
    area.element);
}
