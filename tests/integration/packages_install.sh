#!/usr/bin/env bash
# Installs the .deb packages on this machine for real (root only; CI runs as root on a throwaway
# machine): users, directories, conffiles, tokens; the installed collector serves the agent package
# and the install script, which configures the installed agent; the agent (run as its unit would,
# or the service itself where systemd runs) enrols and reports to the installed collector; an
# upgrade to a higher version keeps a modified conffile, the identity and the spool; remove keeps
# the configuration; purge removes everything. Leaves the machine as it found it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/packages_lib.sh"
if [[ $(id -u) -ne 0 ]]; then
  echo "skipped: installing packages needs root (CI runs this test as root)"
  exit 77
fi
agent_deb="$(package_file "$AGENT_DEB_GLOB")"
collector_deb="$(package_file "$COLLECTOR_DEB_GLOB")"
upgrade_deb="$(echo "$UPGRADE_DIR"/sahab-agent_*.deb)"
[[ -f "$upgrade_deb" ]] || fail "no upgrade package in $UPGRADE_DIR"
version="$(dpkg-deb -f "$agent_deb" Version)"
export DEBIAN_FRONTEND=noninteractive
SYSTEMD=false
[[ -d /run/systemd/system ]] && SYSTEMD=true

status_of() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null || echo "not-installed"; }
for package in sahab-agent sahab-collector; do
  [[ "$(status_of "$package")" == not-installed || "$(status_of "$package")" == "unknown ok not-installed" ]] \
    || fail "$package is already on this machine ($(status_of "$package")): refusing to touch it"
done
created_users=()
for user in sahab sahab-collector; do getent passwd "$user" >/dev/null || created_users+=("$user"); done
# Whatever happens, purge both packages and remove the users this test created.
restore_machine() {
  dpkg --purge sahab-agent sahab-collector >>"$WORK/dpkg.log" 2>&1 || true
  for user in "${created_users[@]}"; do userdel "$user" 2>/dev/null || true; done
  for user in "${created_users[@]}"; do groupdel "$user" 2>/dev/null || true; done
}
trap 'restore_machine; cleanup' EXIT

dpkg -i "$agent_deb" "$collector_deb" >"$WORK/dpkg.log" 2>&1 || fail "dpkg -i: $(tail -n 20 "$WORK/dpkg.log")"
[[ "$(status_of sahab-agent)" == "install ok installed" ]] || fail "sahab-agent not installed"
getent passwd sahab | grep -q ':/var/lib/sahab-agent:/usr/sbin/nologin$' || fail "no sahab system user: $(getent passwd sahab)"
getent passwd sahab-collector >/dev/null || fail "no sahab-collector system user"
(( $(id -u sahab) < 1000 )) || fail "sahab is not a system user"
[[ "$(stat -c '%U:%G %a' /var/lib/sahab-agent /var/lib/sahab-agent/spool)" == $'sahab:sahab 750\nsahab:sahab 750' ]] \
  || fail "agent state dirs: $(stat -c '%n %U:%G %a' /var/lib/sahab-agent /var/lib/sahab-agent/spool)"
[[ "$(stat -c '%U:%G %a' /var/lib/sahab-collector)" == "sahab-collector:sahab-collector 750" ]] || fail "collector state dir"
for token in enrolment-token api-token; do
  [[ "$(stat -c '%U:%G %a' "/etc/sahab-collector/$token")" == "root:sahab-collector 640" ]] || fail "$token owner/mode"
  [[ "$(wc -c <"/etc/sahab-collector/$token")" -eq 65 ]] || fail "$token is not 32 random bytes in hex"
done
dpkg-query -W -f='${Conffiles}\n' sahab-agent | grep -q '^ /etc/sahab/agent.yaml ' || fail "agent.yaml is not a conffile"
[[ -L /etc/systemd/system/multi-user.target.wants/sahab-agent.service ]] || fail "the agent service is not enabled"
pass "installed: system users, state dirs, fresh collector tokens (0640), conffiles, services enabled"

# The installed collector, as its unit runs it, on a free port; the agent package in its downloads.
cp "$agent_deb" /var/lib/sahab-collector/downloads/
port=$(free_port)
URL="http://127.0.0.1:$port"
API=(-H "Authorization: Bearer $(cat /etc/sahab-collector/api-token)")
if $SYSTEMD; then systemctl stop sahab-collector.service; fi
start collector setpriv --reuid=sahab-collector --regid=sahab-collector --init-groups \
  /usr/bin/sahab-collector --config /etc/sahab/collector.yaml --listen "127.0.0.1:$port"
COLLECTOR_PID=$LAST_PID
wait_http "$URL/healthz" 30

# The real install script, from the installed collector, on this machine's real root.
curl -fsS "$URL/install.sh" | sh -s -- --token "$(cat /etc/sahab-collector/enrolment-token)" >"$WORK/install.log" 2>&1 \
  || fail "install.sh: $(cat "$WORK/install.log")"
grep -q "sahab-agent $version is already installed: package unchanged" "$WORK/install.log" || fail "install.sh: $(cat "$WORK/install.log")"
[[ "$(stat -c '%U:%G %a' /etc/sahab/enrolment-token)" == "sahab:sahab 600" ]] || fail "token file owner/mode"
pass "install.sh from the installed collector configured the installed agent"

# A local change to the conffile (kept across the upgrade below): a free port (node_exporter may
# hold 9100) and short intervals so that the test is quick.
aport=$(free_port)
sed -i "s|^  listen_address: \":9100\"\$|  listen_address: \"127.0.0.1:$aport\"|" /etc/sahab/agent.yaml
grep -q "listen_address: \"127.0.0.1:$aport\"" /etc/sahab/agent.yaml || fail "could not edit agent.yaml"
printf '# local change kept across upgrades\nsample: {interval: 200ms}\nreport: {interval: 1s}\n' >>/etc/sahab/agent.yaml

# The agent as the unit runs it (user sahab, agent.env's flags), or the service itself.
run_agent() {
  if $SYSTEMD; then
    systemctl restart sahab-agent.service
  else
    eval "$(grep '^SAHAB_AGENT_ARGS=' /etc/sahab/agent.env)"
    # shellcheck disable=SC2086 # split as systemd splits $SAHAB_AGENT_ARGS
    start "agent-$1" setpriv --reuid=sahab --regid=sahab --init-groups /usr/bin/sahab-agent \
      --config /etc/sahab/agent.yaml $SAHAB_AGENT_ARGS
    AGENT_PID=$LAST_PID
  fi
}
stop_agent() {
  if $SYSTEMD; then systemctl stop sahab-agent.service; else kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true; fi
}
run_agent 1
deadline=$((SECONDS + 60))
until [[ "$(curl -fsS "${API[@]}" "$URL/api/v1/hosts" | json 'len(d["hosts"])' 2>/dev/null)" == 1 ]]; do
  (( SECONDS < deadline )) || fail "the installed agent did not report: $(tail -n 5 "$WORK"/agent-1.log 2>/dev/null)"
  sleep 0.3
done
[[ "$(stat -c '%U %a' /var/lib/sahab-agent/credential)" == "sahab 600" ]] || fail "credential owner/mode"
pass "the installed agent enrolled and reported to the installed collector"

# Spool some reports with the collector down, then upgrade with a modified conffile.
kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
deadline=$((SECONDS + 30))
until compgen -G '/var/lib/sahab-agent/spool/*.batch' >/dev/null; do
  (( SECONDS < deadline )) || fail "nothing spooled while the collector was down"
  sleep 0.2
done
stop_agent
spool_before="$(cd /var/lib/sahab-agent/spool && sha256sum -- *)"
credential_before="$(cat /var/lib/sahab-agent/credential)"
dpkg -i --force-confdef --force-confold "$upgrade_deb" >>"$WORK/dpkg.log" 2>&1 || fail "upgrade: $(tail -n 20 "$WORK/dpkg.log")"
[[ "$(dpkg-query -W -f='${Version}' sahab-agent)" == "$version+1" ]] || fail "not upgraded"
grep -q '^# local change kept across upgrades$' /etc/sahab/agent.yaml || fail "the upgrade lost the modified conffile"
[[ "$(cd /var/lib/sahab-agent/spool && sha256sum -- *)" == "$spool_before" ]] || fail "the upgrade changed the spool"
[[ "$(cat /var/lib/sahab-agent/credential)" == "$credential_before" ]] || fail "the upgrade lost the identity"
[[ -f /etc/sahab/agent.env && -f /etc/sahab/enrolment-token ]] || fail "the upgrade lost the install script's files"
pass "upgrade $version -> $version+1 keeps the modified conffile, the spool ($(wc -l <<<"$spool_before") batches) and the identity"

dpkg -r sahab-agent >>"$WORK/dpkg.log" 2>&1 || fail "remove"
[[ "$(status_of sahab-agent)" == "deinstall ok config-files" ]] || fail "after remove: $(status_of sahab-agent)"
[[ ! -e /usr/bin/sahab-agent ]] || fail "remove left the binary"
grep -q '^# local change kept across upgrades$' /etc/sahab/agent.yaml || fail "remove dropped the configuration"
[[ -f /var/lib/sahab-agent/credential && -f /etc/sahab/agent.env ]] || fail "remove dropped the state"
pass "remove keeps configuration, identity and spool"

dpkg --purge sahab-agent sahab-collector >>"$WORK/dpkg.log" 2>&1 || fail "purge: $(tail -n 20 "$WORK/dpkg.log")"
for package in sahab-agent sahab-collector; do
  [[ "$(status_of "$package")" == "unknown ok not-installed" || "$(status_of "$package")" == not-installed ]] \
    || fail "$package after purge: $(status_of "$package")"
done
for path in /etc/sahab /etc/sahab-collector /var/lib/sahab-agent /var/lib/sahab-collector /usr/bin/sahab-collector \
    /usr/lib/systemd/system/sahab-agent.service /etc/systemd/system/multi-user.target.wants/sahab-agent.service \
    /etc/systemd/system/sahab-agent.service; do
  [[ ! -e "$path" && ! -L "$path" ]] || fail "purge left $path"
done
pass "purge removes configuration, tokens, state, spool and service links"
echo "6 passed, 0 failed"
