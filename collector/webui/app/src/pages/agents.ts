// Agents: how to install and enrol an agent on a server (the command the collector gives through
// /api/v1/install-info when it serves the packages, else the manual steps with this collector's
// address; none when that address is loopback), the enrolled agents, stale agents, enrolment tokens and the enrolments waiting for an administrator's
// approval (admins only: those sections are not even built for other roles, and the API refuses
// them).
import { getJson, getJsonIfReady, sendJson, session } from '../api';
import { h, link } from '../dom';
import { formatBytes, formatDate, formatNumber, t } from '../i18n';

interface InstallInfo {
  command?: string;
  // When the collector serves the Windows MSI: the PowerShell one-liner that installs and enrols.
  windows_command?: string;
  collector_url?: string;
  public_url_configured?: boolean;
  loopback?: boolean;
}
interface Agent {
  id: number;
  host_id: string;
  hostname: string;
  state: string;
  revoked: boolean;
  agent_version: string;
  last_seen?: string;
  behind_seconds?: number;
  // The agent's own account of its spool at its last report (agents that report it).
  spool?: { batches: number; bytes: number; oldest?: string; dropped: number; reported_at: string };
}
// Measurements trailing the last push by more than this: the agent is emptying its spool.
const kCaughtUpSeconds = 600;
interface HostRow {
  id: string;
  hostname: string;
  last_seen: string;
  address: string | null;
}
interface Token {
  id: number;
  name: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  uses: number;
  state: 'live' | 'expired' | 'revoked';
}
interface EnrolmentRequest {
  id: number;
  host_id: string;
  hostname: string;
  reason: 'host_enrolled' | 'imported_host';
  state: 'pending' | 'approved';
  requested_at: string;
  requested_from: string;
  attempts: number;
  decided_by: string | null;
}
const kTokenPlaceholder = '<TOKEN>';
const kExpiries: [string, () => string][] = [['1d', () => t.days(1)], ['7d', () => t.days(7)],
  ['30d', () => t.days(30)], ['', () => t.tokenNever]];

function commandBlock(testId: string, command: string): HTMLElement {
  const code = h('code', {}, command);
  const copy = h('button', { type: 'button', class: 'copy' }, t.copy);
  copy.addEventListener('click', () => void navigator.clipboard?.writeText(command).catch(() => undefined));
  return h('div', { class: 'command', 'data-testid': testId }, h('pre', {}, code), copy);
}

// The steps without the packaging helper: install the package, keep the token root-only, point
// the agent at the collector's URL.
function manualCommand(collector: string, token: string): string {
  return [
    'sudo apt-get install ./sahab-agent_*.deb',
    `printf '%s\\n' '${token}' | sudo install -m 0600 /dev/stdin /etc/sahab/enrolment-token`,
    `sudo sahab-agent --collector.url ${collector} --enrolment-token-file /etc/sahab/enrolment-token`,
  ].join('\n');
}

const isLoopback = (host: string) => host === 'localhost' || host.endsWith('.localhost') ||
  host.startsWith('127.') || host === '[::1]';

// The install command is built on the collector's public_url; a loopback URL (the collector's
// listen address, say) would work on no other server, so the page refuses to show a command.
async function installSection(): Promise<{ section: HTMLElement; commandFor: (token: string) => string | null }> {
  const info = await getJsonIfReady<InstallInfo>('/api/v1/install-info').catch(() => null);
  const collector = info?.collector_url ?? location.origin;
  const loopback = info?.loopback ?? isLoopback(location.hostname);
  const commandFor = (token: string) => loopback ? null
    : info?.command ? info.command.replace(kTokenPlaceholder, token) : manualCommand(collector, token);
  const body = loopback
    ? h('p', { class: 'error', role: 'alert', 'data-testid': 'install-loopback' }, t.installLoopback(collector))
    : h('div', {},
      info?.public_url_configured ? null : h('p', { class: 'warning', role: 'status', 'data-testid': 'install-derived' },
        t.installDerived(collector)),
      info?.command
        ? h('div', {}, h('p', {}, t.installCommand), commandBlock('install-command', info.command))
        : h('div', {}, h('h3', {}, t.installManual), h('p', {}, t.installManualSteps),
          commandBlock('install-manual', manualCommand(collector, kTokenPlaceholder))),
      info?.windows_command
        ? h('div', {}, h('p', {}, t.installWindowsCommand), commandBlock('install-windows-command', info.windows_command))
        : null);
  return { section: h('section', { class: 'panel', 'data-testid': 'install' }, h('h2', {}, t.installTitle), body),
    commandFor };
}

function delay(seconds: number): string {
  return seconds < 3600 ? t.minutes(Math.round(seconds / 60)) : t.hours(formatNumber(seconds / 3600, 1));
}

// The spool as the agent reports it (batches, bytes and the oldest waiting, dropped batches), else
// as the collector infers it from how far the stored measurements trail the last push.
function spoolState(agent: Agent): string {
  const spool = agent.spool;
  if (spool) {
    const dropped = spool.dropped > 0 ? ` — ${t.spoolDropped(formatNumber(spool.dropped))}` : '';
    if (spool.batches === 0) return t.spoolEmpty + dropped;
    const waiting = spool.oldest ? Math.max(0, (Date.parse(spool.reported_at) - Date.parse(spool.oldest)) / 1000) : 0;
    return t.spoolPending(formatNumber(spool.batches), formatBytes(spool.bytes), delay(waiting)) + dropped;
  }
  if (agent.behind_seconds === undefined) return t.spoolUnknown;
  return agent.behind_seconds <= kCaughtUpSeconds ? t.spoolCaughtUp : t.spoolBehind(delay(agent.behind_seconds));
}

// The agents in service (one credential each; revoked ones are counted, not listed).
function agentsSection(agents: Agent[]): HTMLElement {
  const live = agents.filter((a) => !a.revoked);
  const revoked = agents.length - live.length;
  return h('section', { class: 'panel', 'data-testid': 'enrolled-agents' },
    h('h2', {}, t.agentsTitle),
    h('p', { class: 'muted', 'data-testid': 'agents-count' }, t.enrolledAgents(live.length, revoked)),
    live.length === 0 ? h('p', { class: 'muted' }, t.noAgents) :
      h('table', { 'data-testid': 'agents-table' },
        h('thead', {}, h('tr', {}, ...[t.hostname, t.agentVersion, t.lastPush, t.state, t.spool].map((c) => h('th', {}, c)))),
        h('tbody', {}, ...live.map((a) => h('tr', { 'data-host': a.host_id, 'data-state': a.state },
          h('td', {}, link(`/hosts/${encodeURIComponent(a.host_id)}`, a.hostname || a.host_id)),
          h('td', {}, a.agent_version || '—'), h('td', {}, formatDate(a.last_seen)),
          h('td', {}, t.hostStates[a.state] ?? a.state),
          h('td', { 'data-testid': 'spool', 'data-behind': a.behind_seconds ?? '', 'data-batches': a.spool?.batches ?? '',
            title: a.spool ? `${t.spoolReportedAt} ${formatDate(a.spool.reported_at)}` : '' }, spoolState(a)))))));
}

async function staleSection(): Promise<HTMLElement> {
  const stale = await getJson<{ total: number; hosts: HostRow[] }>(
    '/api/v1/hosts?state=stale&source=agent&sort=last_seen&order=asc&limit=200');
  return h('section', { class: 'panel', 'data-testid': 'stale-agents' },
    h('h2', {}, `${t.staleAgents} (${formatNumber(stale.total)})`),
    stale.hosts.length === 0 ? h('p', { class: 'muted' }, t.noStaleAgents) :
      h('table', {}, h('thead', {}, h('tr', {}, ...[t.hostname, t.lastSeen, t.address].map((c) => h('th', {}, c)))),
        h('tbody', {}, ...stale.hosts.map((x) => h('tr', { 'data-host': x.id },
          h('td', {}, link(`/hosts/${encodeURIComponent(x.id)}`, x.hostname || x.id)),
          h('td', {}, formatDate(x.last_seen)), h('td', {}, x.address ?? '—'))))));
}

function tokenSection(commandFor: (token: string) => string | null): HTMLElement {
  const rows = h('tbody');
  const empty = h('p', { class: 'muted' });
  const created = h('div', { 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert' });
  const refresh = async () => {
    const { tokens } = await getJson<{ tokens: Token[] }>('/api/v1/enrolment-tokens');
    empty.textContent = tokens.length ? '' : t.noTokens;
    rows.replaceChildren(...tokens.map((tok) => {
      const revoke = h('button', { type: 'button', 'data-testid': `revoke-${tok.id}`, disabled: tok.state !== 'live' }, t.tokenRevoke);
      revoke.addEventListener('click', async () => {
        error.textContent = '';
        try {
          await sendJson('DELETE', `/api/v1/enrolment-tokens/${tok.id}`);
          await refresh();
        } catch (e) {
          error.textContent = t.loadError + String(e);
        }
      });
      return h('tr', { 'data-token': tok.id, 'data-state': tok.state },
        h('td', {}, tok.name), h('td', {}, t.tokenStates[tok.state] ?? tok.state), h('td', {}, tok.created_by),
        h('td', {}, formatDate(tok.created_at)), h('td', {}, tok.expires_at ? formatDate(tok.expires_at) : t.tokenNever),
        h('td', {}, formatNumber(tok.uses)), h('td', {}, revoke));
    }));
  };
  const name = h('input', { type: 'text', required: true, maxlength: 100, 'data-testid': 'token-name' });
  const expiry = h('select', { 'data-testid': 'token-expiry' },
    ...kExpiries.map(([value, label]) => h('option', { value, selected: value === '7d' }, label())));
  const form = h('form', { class: 'filters' },
    h('label', { class: 'filter' }, h('span', {}, t.tokenName), name),
    h('label', { class: 'filter' }, h('span', {}, t.tokenExpiry), expiry),
    h('button', { type: 'submit', 'data-testid': 'token-create' }, t.tokenCreate));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      const made = await sendJson<{ token: string }>('POST', '/api/v1/enrolment-tokens',
        { name: name.value.trim(), expires_in: expiry.value || null });
      if (!made) throw new Error('POST /api/v1/enrolment-tokens: empty answer');
      // Shown once, here only: the collector keeps only its hash.
      const command = commandFor(made.token);
      created.replaceChildren(h('p', {}, t.tokenCreated), commandBlock('new-token', made.token));
      if (command) created.append(commandBlock('new-token-command', command));
      name.value = '';
      await refresh();
    } catch (e) {
      error.textContent = t.loadError + String(e);
    }
  });
  void refresh().catch((e) => (error.textContent = t.loadError + String(e)));
  return h('section', { class: 'panel', 'data-testid': 'tokens' }, h('h2', {}, t.tokensTitle), form, error, created,
    h('table', { 'data-testid': 'tokens-table' },
      h('thead', {}, h('tr', {}, ...[t.tokenName, t.tokenState, t.tokenCreatedBy, t.tokenCreatedAt, t.tokenExpiresAt,
        t.tokenUses, t.tokenRevoke].map((c) => h('th', {}, c)))), rows), empty);
}

// Enrolments under the id of a host that already has a credential, or of an imported host: an
// admin approves (the agent collects its credential at its next report) or rejects them.
function pendingSection(): HTMLElement {
  const rows = h('tbody');
  const empty = h('p', { class: 'muted' });
  const error = h('p', { class: 'error', role: 'alert' });
  const refresh = async () => {
    const { requests } = await getJson<{ requests: EnrolmentRequest[] }>('/api/v1/enrolments/pending');
    empty.textContent = requests.length ? '' : t.noPendingEnrolments;
    rows.replaceChildren(...requests.map((req) => {
      const act = (verb: 'approve' | 'reject') => {
        const button = h('button', { type: 'button', 'data-testid': `${verb}-${req.id}`, disabled: req.state !== 'pending' },
          verb === 'approve' ? t.enrolmentApprove : t.enrolmentReject);
        button.addEventListener('click', async () => {
          error.textContent = '';
          try {
            await sendJson('POST', `/api/v1/enrolments/${req.id}/${verb}`);
            await refresh();
          } catch (e) {
            error.textContent = t.loadError + String(e);
          }
        });
        return button;
      };
      return h('tr', { 'data-request': req.id, 'data-state': req.state },
        h('td', {}, link(`/hosts/${encodeURIComponent(req.host_id)}`, req.host_id)), h('td', {}, req.hostname),
        h('td', {}, t.enrolmentReasons[req.reason] ?? req.reason), h('td', {}, req.requested_from),
        h('td', {}, formatDate(req.requested_at)), h('td', {}, formatNumber(req.attempts)),
        h('td', {}, req.state === 'approved' ? t.enrolmentApprovedBy(req.decided_by ?? '') : t.enrolmentPending),
        h('td', {}, act('approve'), ' ', act('reject')));
    }));
  };
  void refresh().catch((e) => (error.textContent = t.loadError + String(e)));
  return h('section', { class: 'panel', 'data-testid': 'pending-enrolments' }, h('h2', {}, t.pendingEnrolmentsTitle),
    h('p', { class: 'muted' }, t.pendingEnrolmentsHelp), error,
    h('table', { 'data-testid': 'pending-enrolments-table' },
      h('thead', {}, h('tr', {}, ...[t.enrolmentHost, t.hostname, t.enrolmentReason, t.address, t.enrolmentRequestedAt,
        t.enrolmentAttempts, t.tokenState, t.enrolmentDecision].map((c) => h('th', {}, c)))), rows), empty);
}

export async function agentsPage(): Promise<HTMLElement> {
  const [{ section, commandFor }, stale, { agents }] = await Promise.all([installSection(), staleSection(),
    getJson<{ agents: Agent[] }>('/api/v1/agents')]);
  const admin = session()?.role === 'admin';
  return h('div', { class: 'page' }, h('h1', {}, t.navAgents), section, agentsSection(agents),
    admin ? pendingSection() : null, admin ? tokenSection(commandFor) : null, stale);
}
