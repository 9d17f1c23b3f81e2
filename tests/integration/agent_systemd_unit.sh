#!/usr/bin/env bash
# configs/systemd/sahab-agent.service: `systemd-analyze verify` finds nothing to say, the offline
# security audit rates it OK (exposure <= 2.0 of 10), the hardening the project promises is
# there, and the sysusers entry creates the dedicated 'sahab' user. No systemd needs to run:
# both tools work on files. Broken copies prove each check can fail.
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"
UNIT_DIR="$SAHAB_SOURCE_DIR/configs/systemd"
command -v systemd-analyze >/dev/null || fail "systemd-analyze not installed (Debian systemd)"

# verify checks that ExecStart's binary exists: point it at the built agent.
mkdir -p "$WORK/units"
unit="$WORK/units/sahab-agent.service"
sed "s|^ExecStart=/usr/bin/sahab-agent |ExecStart=$AGENT |" "$UNIT_DIR/sahab-agent.service" >"$unit"
grep -qF "ExecStart=$AGENT --config /etc/sahab/agent.yaml \$SAHAB_AGENT_ARGS" "$unit" || fail "unexpected ExecStart"

# verify UNIT: prints what systemd would complain about; silence means a clean unit.
verify() { (cd "$(dirname "$1")" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify "./$(basename "$1")" 2>&1); }
out="$(verify "$unit")"
[[ -z "$out" ]] || fail "systemd-analyze verify: $out"
pass "systemd-analyze verify is silent"

security() { systemd-analyze security --offline=yes --threshold=20 "$1" >"$WORK/security.txt" 2>&1; }
security "$unit" || fail "exposure above 2.0: $(tail -n 1 "$WORK/security.txt")"
tail -n 1 "$WORK/security.txt"
pass "offline security audit rates the unit OK"

for directive in 'User=sahab' 'ProtectSystem=strict' 'ProtectHome=yes' 'NoNewPrivileges=yes' \
    'PrivateTmp=yes' 'StateDirectory=sahab-agent' 'ReadWritePaths=/var/lib/sahab-agent' \
    'CapabilityBoundingSet=' 'AmbientCapabilities=' 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK' \
    'SystemCallFilter=@system-service' '#CapabilityBoundingSet=CAP_DAC_READ_SEARCH CAP_SYS_PTRACE'; do
  grep -qxF "$directive" "$unit" || fail "missing '$directive'"
done
pass "promised hardening present, no capabilities by default"

mkdir -p "$WORK/root/etc"
systemd-sysusers --root="$WORK/root" "$UNIT_DIR/sahab-agent.sysusers" >/dev/null 2>&1 || fail "systemd-sysusers failed"
grep -q '^sahab:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$' "$WORK/root/etc/passwd" || fail "no sahab user: $(cat "$WORK/root/etc/passwd")"
pass "sysusers entry creates the sahab system user"

# The unit grants no capabilities, so every collector must work without them: run the agent as
# 'nobody' with an empty bounding set and no_new_privs (as the unit does), and require each
# collector that succeeds as the invoking user to succeed there too.
mapfile -t collectors < <("$AGENT" --help | sed -nE 's/.*--\[no-\]collector\.([a-z0-9_]+)[[:space:]].*/\1/p')
successes() {  # PORT: "name value" per collector
  curl -fsS "http://127.0.0.1:$1/metrics" | sed -nE 's/^node_scrape_collector_success\{collector="([^"]+)"\} (.*)$/\1 \2/p' | sort
}
run_agent() {  # NAME PORT BINARY [WRAPPER...]
  local name="$1" port="$2" binary="$3"; shift 3
  mkdir -p "$WORK/$name"
  start "$name" "$@" "$binary" --web.listen-address "127.0.0.1:$port" --state.dir "$WORK/$name" \
    --spool.dir "$WORK/$name/spool" "${collectors[@]/#/--collector.}"
  wait_http "http://127.0.0.1:$port/metrics" 60
}
if [[ $(id -u) -eq 0 ]]; then
  chmod 755 "$WORK"
  port=$(free_port); run_agent privileged "$port" "$AGENT"
  privileged="$(successes "$port")"
  mkdir -p "$WORK/unprivileged" && chown nobody "$WORK/unprivileged"
  # A copy 'nobody' can reach, wherever the build tree lives (a clone under /root is not).
  install -D -m 0755 "$AGENT" "$WORK/bin/sahab-agent"
  port=$(free_port)
  run_agent unprivileged "$port" "$WORK/bin/sahab-agent" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    --inh-caps=-all --bounding-set=-all --no-new-privs
  unprivileged="$(successes "$port")"
  [[ -n "$privileged" && "$privileged" == "$unprivileged" ]] \
    || fail "collectors differ without privileges: root: $privileged / nobody: $unprivileged"
  pass "every collector works as nobody without capabilities ($(echo "$privileged" | wc -l) collectors)"
else
  pass "already unprivileged: the other agent tests show the collectors work without root"
fi

# The unit's seccomp filter and address families must allow everything the agent does: trace a
# real agent (every collector, scrapes, clean shutdown) and check each system call and socket
# family against the unit, with the groups as this systemd defines them.
command -v strace >/dev/null || fail "strace not installed"
port=$(free_port)
mkdir -p "$WORK/traced"
start traced strace -f -qq -o "$WORK/strace.log" "$AGENT" --web.listen-address "127.0.0.1:$port" \
  --state.dir "$WORK/traced" --spool.dir "$WORK/traced/spool" "${collectors[@]/#/--collector.}"
traced_pid=$LAST_PID
# strace ignores SIGTERM while it runs a program (-o FILE PROG), so the cleanup must stop the
# agent itself: register its pid as soon as it exists.
deadline=$((SECONDS + 30))
# By name: a child caught before its exec (still named strace) is not the agent.
until agent_under_trace="$(pgrep -x -P "$traced_pid" sahab-agent)"; do
  (( SECONDS < deadline )) || fail "no agent under strace"
  sleep 0.05
done
PIDS+=("$agent_under_trace")
wait_http "http://127.0.0.1:$port/metrics" 60
for _ in 1 2 3; do curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics"; done
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz"
kill -TERM "$agent_under_trace"
deadline=$((SECONDS + 30))
while kill -0 "$traced_pid" 2>/dev/null; do
  (( SECONDS < deadline )) || { kill -KILL "$traced_pid" "$agent_under_trace" 2>/dev/null; fail "the traced agent did not stop within 30 s of SIGTERM"; }
  sleep 0.1
done
wait "$traced_pid" || true
# check_trace UNIT: exit 1 naming any call or family the unit would refuse.
check_trace() {
  python3 - "$1" "$WORK/strace.log" <<'PY'
import re, subprocess, sys

unit_path, trace_path = sys.argv[1:]
groups = {}

def expand(name):
    """A system call, or a @group expanded recursively with systemd-analyze."""
    if not name.startswith("@"):
        return {name}
    if name not in groups:
        out = subprocess.run(["systemd-analyze", "syscall-filter", name], check=True,
                             capture_output=True, text=True).stdout
        members = [l.strip() for l in out.splitlines()[1:] if l.strip() and not l.strip().startswith("#")]
        groups[name] = set().union(*(expand(m) for m in members)) if members else set()
    return groups[name]

# As systemd applies SystemCallFilter lines: in order, the first one setting the mode (an allow
# list, or a "~" deny list), each later one adding to or taking from it.
allowed, denied, families = None, set(), None
for line in open(unit_path):
    key, _, value = line.strip().partition("=")
    if key == "SystemCallFilter":
        deny = value.startswith("~")
        names = set().union(*(expand(n) for n in value.lstrip("~").split()))
        if allowed is None and not deny and not denied:
            allowed = names
        elif allowed is not None:
            allowed = allowed - names if deny else allowed | names
        else:
            denied = denied | names if deny else denied - names
    elif key == "RestrictAddressFamilies":
        families = set(value.split())

used, used_families = set(), set()
for line in open(trace_path):
    m = re.match(r"^\d+\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()", line)
    if m:
        used.add(m.group(1) or m.group(2))
    m = re.search(r"\bsocket\((AF_\w+)", line)
    if m:
        used_families.add(m.group(1))
used.discard("execve")  # the filter is installed before execve; systemd always allows it
if not used:
    sys.exit("no system calls traced")
refused = sorted(c for c in used if (c not in allowed if allowed is not None else c in denied))
refused_families = sorted(f for f in used_families if families is not None and f not in families)
for c in refused:
    print(f"system call {c} is refused by the unit's SystemCallFilter")
for f in refused_families:
    print(f"socket family {f} is refused by the unit's RestrictAddressFamilies")
print(f"{len(used)} system calls and {sorted(used_families)} sockets traced")
sys.exit(1 if refused or refused_families else 0)
PY
}
check_trace "$unit" || fail "the unit would refuse what the agent does"
pass "the unit's seccomp filter and address families allow everything the agent does"

# The checks must fail on a typo, a bad value and a weakened unit.
sed 's/^ProtectHome=yes/ProtectHom=yes/' "$unit" >"$WORK/units/typo.service"
[[ -n "$(verify "$WORK/units/typo.service")" ]] || fail "verify missed an unknown directive"
sed 's/^ProtectSystem=strict/ProtectSystem=sometimes/' "$unit" >"$WORK/units/value.service"
[[ -n "$(verify "$WORK/units/value.service")" ]] || fail "verify missed a bad value"
sed '/^CapabilityBoundingSet=$/d; /^NoNewPrivileges=/d; /^SystemCallFilter=/d' "$unit" >"$WORK/units/weak.service"
if security "$WORK/units/weak.service"; then fail "a weakened unit passed the security audit"; fi
sed 's/^SystemCallFilter=~@privileged @resources$/SystemCallFilter=~@privileged @resources @network-io/' \
  "$unit" >"$WORK/units/strict.service"
if check_trace "$WORK/units/strict.service" >/dev/null; then fail "a filter without networking passed the trace check"; fi
pass "broken and weakened units are caught"
echo "7 passed, 0 failed"
