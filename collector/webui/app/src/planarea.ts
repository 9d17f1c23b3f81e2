// The part of the Plan and Costs pages that shows the plan of a what-if. The first plan after a
// fleet change takes seconds to compute, so the page around it is built at once and this area
// says the plan is being computed (a status for screen readers, a timer with the elapsed
// seconds) until the figures replace it; on failure it shows the API's message and, unless the
// parameters were refused (fix the form instead), a retry button. A new load supersedes the one
// in flight: its request is aborted and a late answer ignored, so the last what-if asked wins.
import { ApiError, Unauthorised } from './api';
import { h } from './dom';
import { formatNumber, t } from './i18n';
import { type PlanSummary, type WhatIf, planSummary } from './plan';

export interface PlanArea {
  element: HTMLElement;
  // The plan for `values`, shown once it arrives; null when it failed or a newer load superseded it.
  // `done` gives the status line to announce once the figures are shown.
  load(values: Partial<WhatIf>, done?: (plan: PlanSummary) => string): Promise<PlanSummary | null>;
}

// Test ids: `${id}-output` (the figures, aria-busy while computing), `${id}-pending`, `${id}-elapsed`,
// `${id}-status`, `${id}-error`, `${id}-retry`.
export function planArea(id: string, render: (plan: PlanSummary) => Node): PlanArea {
  const status = h('p', { class: 'progress', role: 'status', 'data-testid': `${id}-status` });
  const pending = h('div', { class: 'pending', 'data-testid': `${id}-pending`, hidden: true });
  const failure = h('div', { class: 'failure', role: 'alert', 'data-testid': `${id}-error-box` });
  const output = h('div', { 'data-testid': `${id}-output` });
  let latest = 0;
  let inFlight: AbortController | null = null;
  let timer: number | undefined;

  // The placeholder where the figures will go (first load), or the previous figures greyed out.
  const showComputing = () => {
    const started = Date.now();
    const elapsed = h('span', { role: 'timer', 'data-testid': `${id}-elapsed` }, t.elapsedSeconds(formatNumber(0)));
    window.clearInterval(timer);
    timer = window.setInterval(() => {
      elapsed.textContent = t.elapsedSeconds(formatNumber(Math.floor((Date.now() - started) / 1000)));
    }, 1000);
    status.textContent = t.computing;
    const hasFigures = output.childElementCount > 0;
    pending.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), elapsed);
    if (!hasFigures) pending.append(h('span', { class: 'muted' }, t.computingHint));
    pending.hidden = false;
    failure.replaceChildren();
    output.setAttribute('aria-busy', 'true');
    output.classList.toggle('stale', hasFigures);
  };
  const stopComputing = () => {
    window.clearInterval(timer);
    pending.hidden = true;
    pending.replaceChildren();
    output.removeAttribute('aria-busy');
    output.classList.remove('stale');
  };
  const showFailure = (e: unknown, retry: () => void) => {
    status.textContent = '';
    const refused = e instanceof ApiError && e.status === 400;
    const message = e instanceof Error ? e.message : String(e);
    failure.replaceChildren(h('p', { 'data-testid': `${id}-error` }, (refused ? t.badParameters : t.planFailed) + message));
    if (refused) return;
    const button = h('button', { type: 'button', 'data-testid': `${id}-retry` }, t.retry);
    button.addEventListener('click', retry);
    failure.append(button);
  };

  const load: PlanArea['load'] = async (values, done) => {
    const call = ++latest;
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    showComputing();
    try {
      const plan = await planSummary(values, controller.signal);
      if (call !== latest) return null;
      output.replaceChildren(render(plan));
      status.textContent = done ? done(plan) : '';
      return plan;
    } catch (e) {
      if (call !== latest) return null;
      // Signed out meanwhile: the router shows the sign-in page again.
      if (e instanceof Unauthorised) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else showFailure(e, () => void load(values, done));
      return null;
    } finally {
      if (call === latest) {
        stopComputing();
        inFlight = null;
      }
    }
  };
  return { element: h('div', { class: 'plan-area' }, status, pending, failure, output), load };
}
