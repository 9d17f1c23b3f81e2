// The Plan page's baseline panel (docs/execution.md#baselines): the active baseline (the newest),
// approving the live plan as a new one (administrators), and what the live plan changed since:
// hosts moved between waves, new and absent hosts, the monthly cost delta, and each changed wave
// with a button adopting the live plan's assignment for that wave alone (planners, admins).
// The live plan is the plan of the configured parameters, not the what-if above it.
import { session } from '../api';
import { h, link } from '../dom';
import { type Baseline, type BaselineDiff, adoptWave, approveBaseline, baselineDiff, listBaselines } from '../execution';
import { formatDate, formatMoney, formatNumber, t } from '../i18n';
import { panel, tile } from '../planviews';

const kMovedShown = 50;
const waveName = (n: number | undefined) => (n ? t.waveTitle(n) : t.noWave);

interface WaveChange {
  wave: number;
  joining: number;  // hosts the live plan puts in it (from another wave, or new)
  leaving: number;  // hosts the live plan takes out of it (to another wave, or gone)
}

function waveChanges(diff: BaselineDiff): WaveChange[] {
  const changes = new Map(diff.changed_waves.map((w) => [w, { wave: w, joining: 0, leaving: 0 }]));
  const count = (wave: number | undefined, key: 'joining' | 'leaving') => {
    const change = wave ? changes.get(wave) : undefined;
    if (change) change[key]++;
  };
  for (const host of diff.moved) {
    count(host.live_wave, 'joining');
    count(host.baseline_wave, 'leaving');
  }
  for (const host of diff.new) count(host.live_wave, 'joining');
  for (const host of diff.absent) count(host.baseline_wave, 'leaving');
  return [...changes.values()];
}

function diffView(diff: BaselineDiff, adopt: ((wave: number) => void) | null): HTMLElement {
  const money = (v: number) => formatMoney(v, diff.plan_currency);
  const delta = diff.monthly_cost.delta;
  const changes = waveChanges(diff);
  const children = [
    h('div', { class: 'tiles small', 'data-testid': 'diff-figures' },
      tile('diff-moved', t.movedBetweenWaves, formatNumber(diff.moved.length)),
      tile('diff-new', t.newInPlan, formatNumber(diff.new.length)),
      tile('diff-absent', t.absentFromPlan, formatNumber(diff.absent.length)),
      tile('diff-baseline-cost', t.baselineMonthly, money(diff.monthly_cost.baseline)),
      tile('diff-live-cost', t.liveMonthly, money(diff.monthly_cost.live)),
      tile('diff-delta', t.monthlyDelta, `${delta > 0 ? '+' : delta < 0 ? '−' : ''}${money(Math.abs(delta))}`)),
  ];
  if (changes.length === 0) {
    return h('div', { 'data-testid': 'baseline-diff' }, ...children, h('p', { class: 'muted', 'data-testid': 'diff-none' }, t.noPlanChanges));
  }
  const rows = changes.map((c) => h('tr', { 'data-wave': c.wave },
    h('th', { scope: 'row' }, link(`/waves/${c.wave}`, t.waveTitle(c.wave))),
    h('td', { class: 'num', 'data-figure': 'joining' }, formatNumber(c.joining)),
    h('td', { class: 'num', 'data-figure': 'leaving' }, formatNumber(c.leaving)),
    adopt ? h('td', {}, h('button', { type: 'button', 'data-adopt': c.wave, 'aria-label': t.adoptWave(c.wave) }, t.adopt)) : null));
  const wavesTable = h('table', { class: 'data', 'data-testid': 'diff-waves' },
    h('caption', {}, t.changedWaves),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.wave), h('th', { scope: 'col', class: 'num' }, t.joiningWave),
      h('th', { scope: 'col', class: 'num' }, t.leavingWave), adopt ? h('th', { scope: 'col' }, t.actions) : null)),
    h('tbody', {}, ...rows));
  wavesTable.addEventListener('click', (event) => {
    const wave = Number((event.target as Element).closest('button[data-adopt]')?.getAttribute('data-adopt'));
    if (wave && adopt) adopt(wave);
  });
  const moved = diff.moved.slice(0, kMovedShown);
  const movedTable = diff.moved.length ? h('table', { class: 'data', 'data-testid': 'diff-moved-hosts' },
    h('caption', {}, t.movedBetweenWaves),
    h('thead', {}, h('tr', {}, ...[t.hostname, t.baselineWave, t.liveWave].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...moved.map((m) => h('tr', { 'data-host': m.id },
      h('th', { scope: 'row' }, link(`/hosts/${encodeURIComponent(m.id)}`, m.hostname || m.id)),
      h('td', {}, waveName(m.baseline_wave)), h('td', {}, waveName(m.live_wave)))))) : null;
  return h('div', { 'data-testid': 'baseline-diff' }, ...children, wavesTable, movedTable,
    diff.moved.length > kMovedShown ? h('p', { class: 'muted' }, t.moreRows(diff.moved.length - kMovedShown)) : null);
}

function activeLine(baseline: Baseline): HTMLElement {
  return h('p', { 'data-testid': 'baseline-active', 'data-baseline': baseline.id },
    h('strong', { dir: 'auto' }, baseline.name), ' — ',
    t.baselineApproved(baseline.approved_by, formatDate(baseline.approved_at), formatNumber(baseline.moving_hosts),
      formatMoney(baseline.monthly_cost, baseline.currency)),
    ' ', link('/progress', t.navProgress));
}

export function baselinePanel(): HTMLElement {
  const role = session()?.role;
  const message = h('p', { class: 'status', role: 'status', 'data-testid': 'baseline-status' });
  const active = h('div', { 'data-testid': 'baseline-summary' }, h('p', { class: 'muted' }, t.loading));
  const diffBox = h('div', { 'aria-live': 'polite' });
  const say = (text: string, error = false) => {
    message.textContent = text;
    message.classList.toggle('error', error);
    message.setAttribute('role', error ? 'alert' : 'status');
  };
  const failed = (e: unknown) => say(e instanceof Error ? e.message : String(e), true);

  // Runs a change, says how it went, then shows the baselines and the difference again.
  const act = async (change: () => Promise<string>) => {
    say(t.working);
    try {
      say(await change());
      await refresh();
    } catch (e) {
      failed(e);
    }
  };
  // Adopting rewrites the baseline's wave for good: asked first.
  const adopt = role === 'planner' || role === 'admin'
    ? (wave: number, baseline: number) => {
      if (confirm(t.confirmAdopt(wave))) void act(async () => t.adopted(wave, (await adoptWave(baseline, wave)).hosts));
    }
    : null;

  const refresh = async () => {
    const baselines = await listBaselines();
    const newest = baselines[baselines.length - 1];
    if (!newest) {
      active.replaceChildren(h('p', { class: 'muted', 'data-testid': 'baseline-none' }, t.noBaselineYet));
      diffBox.replaceChildren();
      return;
    }
    active.replaceChildren(activeLine(newest));
    // The live plan may still be computing after a fleet change: the diff waits for it.
    diffBox.replaceChildren(h('p', { class: 'muted', role: 'status' }, t.computing));
    const diff = await baselineDiff(newest.id).catch((e: unknown) => {
      diffBox.replaceChildren();
      throw e;
    });
    diffBox.replaceChildren(h('p', { class: 'muted' }, t.diffAgainstLive),
      diffView(diff, adopt ? (wave) => adopt(wave, newest.id) : null));
  };

  let approveForm: HTMLElement | null = null;
  if (role === 'admin') {
    const name = h('input', { type: 'text', name: 'baseline', required: true, maxlength: 128, 'data-testid': 'baseline-name' });
    approveForm = h('form', { class: 'inline-form', 'data-testid': 'baseline-approve' },
      h('label', { class: 'field' }, h('span', {}, t.baselineName), name),
      h('button', { type: 'submit', 'data-testid': 'baseline-approve-button' }, t.approveBaseline),
      h('small', { class: 'muted' }, t.approveHint));
    approveForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void act(async () => t.baselineCreated((await approveBaseline(name.value.trim())).name));
    });
  }
  void refresh().catch(failed);
  return panel('baseline', t.baselines, active, approveForm ?? h('p', { class: 'muted' }, t.baselineAdminOnly), message, diffBox);
}
