#!/usr/bin/env bash
# The systemd collector over real D-Bus: a private dbus-daemon (systemd is not PID 1 on the test
# machines) and a peer answering as systemd's manager (systemd_peer.py, dbus-python); the agent
# finds it through DBUS_SYSTEM_BUS_ADDRESS, as sd-bus does. Checks node_exporter 1.5's names,
# labels and values with the default unit patterns and with the optional series, silence without a
# bus, and a peer answering the wrong signature (an error logged once, the other collectors fine).
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"
PEER="$(dirname "$0")/systemd_peer.py"
command -v dbus-daemon >/dev/null || fail "install dbus-daemon"
/usr/bin/python3 -c 'import dbus, gi' 2>/dev/null || fail "install python3-dbus and python3-gi"

BUS="unix:path=$WORK/bus"
start dbus dbus-daemon --session --address="$BUS" --nofork --nopidfile
bus_pid=$LAST_PID
deadline=$((SECONDS + 20))
until [[ -S "$WORK/bus" ]]; do (( SECONDS < deadline )) || fail "dbus-daemon did not start"; sleep 0.1; done

# start_peer [--broken]: (re)starts the systemd peer on the private bus.
peer_pid=""
start_peer() {
  [[ -n "$peer_pid" ]] && { kill "$peer_pid"; wait "$peer_pid" 2>/dev/null || true; }
  rm -f "$WORK/peer.ready"
  DBUS_SYSTEM_BUS_ADDRESS="$BUS" start peer /usr/bin/python3 "$PEER" "$WORK/peer.ready" "$@"
  peer_pid=$LAST_PID
  local deadline=$((SECONDS + 20))
  until [[ -f "$WORK/peer.ready" ]]; do (( SECONDS < deadline )) || fail "peer did not start"; sleep 0.1; done
}

# scrape NAME BUS_ADDRESS [AGENT FLAGS...]: starts an agent on BUS_ADDRESS, scrapes it twice into
# $WORK/NAME.prom (the second scrape), stops it.
scrape() {
  local name="$1" address="$2"; shift 2
  local port; port=$(free_port)
  DBUS_SYSTEM_BUS_ADDRESS="$address" start "$name" "$AGENT" --web.listen-address "127.0.0.1:$port" \
    --state.dir "$WORK/$name-state" --collector.systemd "$@"
  local pid=$LAST_PID
  wait_http "http://127.0.0.1:$port/metrics"
  curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics"
  curl -fsS "http://127.0.0.1:$port/metrics" >"$WORK/$name.prom"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
has() { grep -qxF "$2" "$WORK/$1.prom" || fail "$1: missing line: $2"; }
lacks() { ! grep -q "$2" "$WORK/$1.prom" || fail "$1: unexpected: $(grep "$2" "$WORK/$1.prom" | head -3)"; }

start_peer
scrape defaults "$BUS"
has defaults 'node_scrape_collector_success{collector="systemd"} 1'
has defaults 'node_systemd_version{version="252.39-1~deb12u1"} 252.39'
# Every unit counts, whatever the patterns and its load state.
has defaults 'node_systemd_units{state="active"} 5'
has defaults 'node_systemd_units{state="activating"} 1'
has defaults 'node_systemd_units{state="deactivating"} 0'
has defaults 'node_systemd_units{state="failed"} 1'
has defaults 'node_systemd_units{state="inactive"} 1'
# One series per state per kept unit; the service's type from its Service interface.
has defaults 'node_systemd_unit_state{name="ssh.service",state="active",type="notify"} 1'
has defaults 'node_systemd_unit_state{name="ssh.service",state="failed",type="notify"} 0'
has defaults 'node_systemd_unit_state{name="cron.service",state="failed",type="simple"} 1'
has defaults 'node_systemd_unit_state{name="dbus.socket",state="active",type=""} 1'
[[ $(grep -c '^node_systemd_unit_state{' "$WORK/defaults.prom") -eq 25 ]] || fail "want 5 units x 5 states"
# Left out: not loaded, and targets and mounts (the default unit-exclude).
lacks defaults 'name="ghost.service"'
lacks defaults 'name="multi-user.target"'
lacks defaults 'name="-.mount"'
has defaults 'node_systemd_timer_last_trigger_seconds{name="logrotate.timer"} 1764892800'
has defaults 'node_systemd_socket_accepted_connections_total{name="dbus.socket"} 17'
has defaults 'node_systemd_socket_current_connections{name="dbus.socket"} 5'
has defaults 'node_systemd_socket_refused_connections_total{name="dbus.socket"} 1'
has defaults 'node_systemd_system_running 0'
grep -qx '# TYPE node_systemd_socket_accepted_connections_total counter' "$WORK/defaults.prom" || fail "accepted connections not a counter"
# Off by default, as node_exporter.
lacks defaults 'node_systemd_unit_start_time_seconds'
lacks defaults 'node_systemd_unit_tasks_'
lacks defaults 'node_systemd_service_restart_total'
ok "node_exporter's systemd series from a D-Bus peer, default patterns"

scrape optional "$BUS" --collector.systemd.unit-include '(ssh|cron|backup)\.service|.+\.target' \
  --collector.systemd.unit-exclude 'cron\..*' --collector.systemd.enable-task-metrics \
  --collector.systemd.enable-restarts-metrics --collector.systemd.enable-start-time-metrics
has optional 'node_systemd_unit_state{name="ssh.service",state="active",type="notify"} 1'
has optional 'node_systemd_unit_state{name="multi-user.target",state="active",type=""} 1'
lacks optional 'name="cron.service"'
lacks optional 'name="dbus.socket"'
has optional 'node_systemd_units{state="failed"} 1'
has optional 'node_systemd_unit_start_time_seconds{name="ssh.service"} 1764900000.123456'
has optional 'node_systemd_unit_start_time_seconds{name="backup.service"} 0'  # not active
lacks optional 'node_systemd_unit_start_time_seconds{name="multi-user.target"}'  # no property
has optional 'node_systemd_unit_tasks_current{name="ssh.service"} 3'
has optional 'node_systemd_unit_tasks_max{name="ssh.service"} 4915'
has optional 'node_systemd_service_restart_total{name="ssh.service"} 2'
ok "unit include/exclude patterns, start times, tasks and restarts on request"

# cron's TasksCurrent is "unlimited" (2^64-1): no series, as upstream.
scrape tasks "$BUS" --collector.systemd.enable-task-metrics
has tasks 'node_systemd_unit_tasks_current{name="ssh.service"} 3'
lacks tasks 'node_systemd_unit_tasks_current{name="cron.service"}'
ok "unlimited task counts left out"

scrape nobus "unix:path=$WORK/no-such-bus"
has nobus 'node_scrape_collector_success{collector="systemd"} 0'
has nobus 'node_scrape_collector_success{collector="cpu"} 1'
lacks nobus '^node_systemd_'
! grep -q 'level=error msg="collector systemd' "$WORK/nobus.log" || fail "error logged without a bus"
ok "no system bus: success 0, nothing logged"

start_peer --broken
scrape broken "$BUS"
has broken 'node_scrape_collector_success{collector="systemd"} 0'
has broken 'node_scrape_collector_success{collector="cpu"} 1'
lacks broken '^node_systemd_'
[[ $(grep -c 'collector systemd failed: ListUnits answered something else' "$WORK/broken.log") -eq 1 ]] ||
  fail "the malformed answer is not logged exactly once: $(grep systemd "$WORK/broken.log")"
ok "a malformed ListUnits answer: success 0, logged once"
echo "$passed passed, 0 failed"
