// Agents: how to install and enrol an agent on a server (the command the collector gives through
// /api/v1/install-info when it serves the packages, else the manual steps with this collector's
// address), stale agents, enrolment tokens and the enrolments waiting for an administrator's
// approval (admins only: those sections are not even built for other roles, and the API refuses
// them).
import { getJson, getJsonIfReady, sendJson, session } from '../api';
import { h, link } from '../dom';
import { formatDate, formatNumber, t } from '../i18n';

interface InstallInfo {
  command?: string;
}
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
// the agent at this collector (the page's own origin).
function manualCommand(token: string): string {
  return [
    'sudo apt-get install ./sahab-agent_*.deb',
    `printf '%s\\n' '${token}' | sudo install -m 0600 /dev/stdin /etc/sahab/enrolment-token`,
    `sudo sahab-agent --collector.url ${location.origin} --enrolment-token-file /etc/sahab/enrolment-token`,
  ].join('\n');
}

async function installSection(): Promise<{ section: HTMLElement; commandFor: (token: string) => string }> {
  const info = await getJsonIfReady<InstallInfo>('/api/v1/install-info').catch(() => null);
  const commandFor = (token: string) =>
    info?.command ? info.command.replace(kTokenPlaceholder, token) : manualCommand(token);
  const section = h('section', { class: 'panel', 'data-testid': 'install' }, h('h2', {}, t.installTitle),
    info?.command
      ? h('div', {}, h('p', {}, t.installCommand), commandBlock('install-command', info.command))
      : h('div', {}, h('h3', {}, t.installManual), h('p', {}, t.installManualSteps),
        commandBlock('install-manual', manualCommand(kTokenPlaceholder))));
  return { section, commandFor };
}

async function staleSection(): Promise<HTMLElement> {
  const [stale, agents] = await Promise.all([
    getJson<{ total: number; hosts: HostRow[] }>('/api/v1/hosts?state=stale&source=agent&sort=last_seen&order=asc&limit=200'),
    getJson<{ agents: { revoked: boolean }[] }>('/api/v1/agents'),
  ]);
  const revoked = agents.agents.filter((a) => a.revoked).length;
  return h('section', { class: 'panel', 'data-testid': 'stale-agents' },
    h('h2', {}, `${t.staleAgents} (${formatNumber(stale.total)})`),
    h('p', { class: 'muted', 'data-testid': 'agents-count' }, t.enrolledAgents(agents.agents.length, revoked)),
    stale.hosts.length === 0 ? h('p', { class: 'muted' }, t.noStaleAgents) :
      h('table', {}, h('thead', {}, h('tr', {}, ...[t.hostname, t.lastSeen, t.address].map((c) => h('th', {}, c)))),
        h('tbody', {}, ...stale.hosts.map((x) => h('tr', { 'data-host': x.id },
          h('td', {}, link(`/hosts/${encodeURIComponent(x.id)}`, x.hostname || x.id)),
          h('td', {}, formatDate(x.last_seen)), h('td', {}, x.address ?? '—'))))));
}

function tokenSection(commandFor: (token: string) => string): HTMLElement {
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
      created.replaceChildren(h('p', {}, t.tokenCreated), commandBlock('new-token', made.token),
        commandBlock('new-token-command', commandFor(made.token)));
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
  const [{ section, commandFor }, stale] = await Promise.all([installSection(), staleSection()]);
  const admin = session()?.role === 'admin';
  return h('div', { class: 'page' }, h('h1', {}, t.navAgents), section,
    admin ? pendingSection() : null, admin ? tokenSection(commandFor) : null, stale);
}
