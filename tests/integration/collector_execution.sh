#!/usr/bin/env bash
# Execution tracking on a real collector with an imported generated fleet (docs/execution.md):
# a baseline approved by an administrator, waves moved through their states in bulk, every
# transition of the lifecycle tried on a host of its own (legal ones 200, the others 409 naming
# from and to), stale versions and two architects racing on one wave (409, nothing half-applied),
# roles, bad bodies, unknown waves, history and audit, the progress report against the baseline's
# own figures and the sahab_migration_* gauges, then the diff and the adoption of a wave after the
# fleet changed, and the before/after validation of a source host against its linked target.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
SRC="${SAHAB_SOURCE_DIR:?}"

hash_of() { echo "$1" | "$COLLECTOR" hash-password; }
start_collector --planner.config "$SRC/configs/planner.yaml" --planner.metrics-interval 1h \
  --ui.user "vera:viewer:$(hash_of viewer-password-1)" \
  --ui.user "paul:planner:$(hash_of planner-password-1)" \
  --ui.user "pia:planner:$(hash_of planner-password-2)" \
  --ui.user "ada:admin:$(hash_of admin-password-1)"
"$BIN_DIR/sahab-planner" generate-fleet --hosts 300 --seed 7 --out "$WORK/fleet.json"
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
  "$URL/api/v1/import" >/dev/null
vera=$(login vera viewer-password-1 "$WORK/vera")
paul=$(login paul planner-password-1 "$WORK/paul")
pia=$(login pia planner-password-2 "$WORK/pia")
ada=$(login ada admin-password-1 "$WORK/ada")

# Nothing to track before a baseline.
expect 404 vera GET /api/v1/waves
[[ $(code) == no_baseline ]] || fail "no baseline: $(cat "$WORK/answer.json")"
expect 404 paul POST /api/v1/waves/1/status '{"state": "scheduled", "date": "2027-02-01", "version": 0}'
expect 404 vera GET /api/v1/progress
ok "without a baseline, waves, status changes and progress answer 404 no_baseline"

# Baselines: admins approve; bad names are refused naming the field.
expect 403 paul POST /api/v1/baselines '{"name": "plan v1"}'
expect 403 vera POST /api/v1/baselines '{"name": "plan v1"}'
expect 400 ada POST /api/v1/baselines '{}'
[[ $(code) == baseline_name ]] || fail "missing name: $(cat "$WORK/answer.json")"
expect 400 ada POST /api/v1/baselines '{"name": 3}'
expect 400 ada POST /api/v1/baselines "{\"name\": \"$(printf 'x%.0s' {1..129})\"}"
expect 400 ada POST /api/v1/baselines '{"name": "v1", "approved": true}'
grep -q "unknown key 'approved'" "$WORK/answer.json" || fail "unknown key: $(cat "$WORK/answer.json")"
expect 400 ada POST /api/v1/baselines '[1, 2'
expect 201 ada POST /api/v1/baselines '{"name": "plan v1"}'
api /api/v1/plan >"$WORK/plan.json"
python3 - "$WORK/answer.json" "$WORK/plan.json" <<'PY' || fail "baseline: $(cat "$WORK/answer.json")"
import json, sys
b, plan = (json.load(open(f)) for f in sys.argv[1:])
moving = [h for h in plan["hosts"] if (h.get("wave") or 0) > 0]
assert b["id"] == 1 and b["name"] == "plan v1" and b["approved_by"] == "ada", b
assert b["currency"] == "MAD" and b["hosts"] == 300 and b["moving_hosts"] == len(moving) > 100, b
PY
api /api/v1/baselines/1 >"$WORK/baseline.json"
python3 - "$WORK/baseline.json" "$WORK/plan.json" <<'PY' || fail "baseline hosts differ from the plan"
import json, sys
b, plan = (json.load(open(f)) for f in sys.argv[1:])
waves = {h["id"]: h["wave"] for h in b["host_list"]}
assert waves == {h["id"]: (h.get("wave") or 0) for h in plan["hosts"]}
assert abs(sum(h["monthly_cost"] for h in b["host_list"]) - b["monthly_cost"]) < 1
PY
[[ $(api /api/v1/baselines | json 'len(d["baselines"])') == 1 ]] || fail "baseline list"
expect 404 vera GET /api/v1/baselines/7
expect 404 vera GET /api/v1/baselines/abc
ok "an admin approves the live plan as a baseline: every host's wave kept, by name and approver"

# The waves of the baseline, all planned.
expect 200 vera GET /api/v1/waves
cp "$WORK/answer.json" "$WORK/waves.json"
python3 - "$WORK/waves.json" "$WORK/baseline.json" <<'PY' || fail "waves: $(head -c 600 "$WORK/waves.json")"
import json, sys
w, b = (json.load(open(f)) for f in sys.argv[1:])
assert w["baseline"] == 1 and w["states"][0] == "planned" and len(w["states"]) == 8
assert sum(x["hosts"] for x in w["waves"]) == b["moving_hosts"]
assert all(x["states"]["planned"] == x["hosts"] and x["version"] == 0 for x in w["waves"])
PY
wave=$(json 'd["waves"][0]["number"]' <"$WORK/waves.json")
size=$(json 'd["waves"][0]["hosts"]' <"$WORK/waves.json")
ok "GET /api/v1/waves: $(json 'len(d["waves"])' <"$WORK/waves.json") waves, every host planned, version 0"

# Bad bodies name the field; unknown waves are 404; viewers cannot change anything.
bad() {  # bad FIELD BODY
  expect 400 paul POST "/api/v1/waves/$wave/status" "$2"
  [[ $(json 'd["code"] + ":" + d["params"]["field"]' <"$WORK/answer.json") == "migration_field:$1" ]] ||
    fail "$2: $(cat "$WORK/answer.json")"
}
bad state '{"state": "done", "version": 0}'
bad state '{"version": 0}'
bad version '{"state": "blocked"}'
bad version '{"state": "blocked", "version": "0"}'
bad version '{"state": "blocked", "version": -1}'
bad date '{"state": "scheduled", "version": 0}'
bad date '{"state": "scheduled", "date": "2027-13-01", "version": 0}'
bad date '{"state": "scheduled", "date": "next week", "version": 0}'
bad date '{"state": "blocked", "date": "2027-02-01", "version": 0}'
bad note "{\"state\": \"blocked\", \"version\": 0, \"note\": \"$(printf 'n%.0s' {1..1025})\"}"
expect 400 paul POST "/api/v1/waves/$wave/status" '{"state": "blocked", "version": 0, "who": "me"}'
expect 400 paul POST /api/v1/waves/zero/status '{"state": "blocked", "version": 0}'
[[ $(code) == wave_number ]] || fail "wave zero: $(cat "$WORK/answer.json")"
expect 400 paul POST /api/v1/waves/0/status '{"state": "blocked", "version": 0}'
expect 404 paul POST /api/v1/waves/9999/status '{"state": "blocked", "version": 0}'
[[ $(code) == wave_not_found ]] || fail "wave 9999: $(cat "$WORK/answer.json")"
expect 404 vera GET /api/v1/waves/9999
expect 404 paul POST /api/v1/move-groups/g-none/status '{"state": "blocked", "version": 0}'
expect 404 paul POST /api/v1/hosts/no-such-host/migration '{"state": "blocked", "version": 0}'
expect 403 vera POST "/api/v1/waves/$wave/status" '{"state": "blocked", "version": 0}'
expect_status 401 -H 'Content-Type: application/json' -d '{"state": "blocked", "version": 0}' \
  "$URL/api/v1/waves/$wave/status"
[[ $(sql "SELECT count(*) FROM migration_history") == 0 ]] || fail "a refused change was recorded"
ok "bad bodies answer 400 naming the field, unknown waves 404, viewers 403: nothing recorded"

# A wave in bulk: illegal first (nothing changes), then scheduled, then a stale version.
expect 409 paul POST "/api/v1/waves/$wave/status" '{"state": "validated", "version": 0}'
python3 - "$WORK/answer.json" <<'PY' || fail "illegal: $(cat "$WORK/answer.json")"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["code"] == "illegal_transition" and a["params"]["from"] == "planned" and a["params"]["to"] == "validated"
assert "from planned to validated" in a["error"], a["error"]
PY
expect 200 paul POST "/api/v1/waves/$wave/status" \
  '{"state": "scheduled", "date": "2027-02-01", "version": 0, "note": "weekend of 1 February"}'
[[ $(json 'd["changed"]' <"$WORK/answer.json") == "$size" ]] || fail "scheduled: $(cat "$WORK/answer.json")"
v1=$(json 'd["version"]' <"$WORK/answer.json")
expect 409 pia POST "/api/v1/waves/$wave/status" '{"state": "in_progress", "version": 0}'
[[ $(code) == stale_version ]] || fail "stale: $(cat "$WORK/answer.json")"
expect 200 vera GET "/api/v1/waves/$wave"
python3 - "$WORK/answer.json" "$v1" "$size" <<'PY' || fail "wave after the stale change: $(head -c 600 "$WORK/answer.json")"
import json, sys
w, v1, size = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
assert w["version"] == v1 and w["states"]["scheduled"] == size == len(w["hosts"]), w["states"]
h = w["hosts"][0]
assert h["state"] == "scheduled" and h["date"] == "2027-02-01" and h["changed_by"] == "paul"
assert h["note"] == "weekend of 1 February" and h["version"] > 0 and h["changed_at"]
PY
ok "wave $wave ($size hosts): validated before cut over is 409 naming from/to; scheduled in bulk; a stale version is 409"

# Two architects change the same wave at once from the same version: one wins, the other gets
# 409, and the wave is entirely in the winner's state.
as paul POST "/api/v1/waves/$wave/status" "{\"state\": \"in_progress\", \"version\": $v1}" >"$WORK/race-paul" &
race1=$!
as pia POST "/api/v1/waves/$wave/status" "{\"state\": \"blocked\", \"version\": $v1, \"note\": \"network\"}" >"$WORK/race-pia" &
race2=$!
wait $race1 $race2
statuses="$(cat "$WORK/race-paul") $(cat "$WORK/race-pia")"
[[ "$statuses" == "200 409" || "$statuses" == "409 200" ]] || fail "race: $statuses"
winner=in_progress
[[ $(cat "$WORK/race-pia") == 200 ]] && winner=blocked
expect 200 vera GET "/api/v1/waves/$wave"
[[ $(json "d['states']['$winner']" <"$WORK/answer.json") == "$size" ]] ||
  fail "race left the wave half-changed: $(json 'd["states"]' <"$WORK/answer.json")"
ok "two architects changing wave $wave from one version: $statuses, the wave wholly $winner"

# Every transition of the lifecycle, each on a host of its own brought to its starting state.
api /api/v1/waves >"$WORK/waves.json"
python3 - "$URL" "$(cat "$API_TOKEN_FILE")" "$WORK/waves.json" "$wave" <<'PY' || fail "transitions"
import json, sys, urllib.request, urllib.error
url, token, waves, raced = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3])), int(sys.argv[4])
LEGAL = {
    "planned": {"scheduled", "blocked"},
    "scheduled": {"planned", "scheduled", "in_progress", "blocked"},
    "in_progress": {"cut_over", "blocked", "rolled_back"},
    "cut_over": {"validated", "rolled_back"},
    "validated": {"retired", "rolled_back"},
    "retired": set(),
    "blocked": {"planned", "scheduled", "in_progress"},
    "rolled_back": {"planned", "scheduled", "blocked"},
}
PATH = {  # a legal way from planned to each state
    "planned": [], "scheduled": ["scheduled"], "in_progress": ["scheduled", "in_progress"],
    "cut_over": ["scheduled", "in_progress", "cut_over"],
    "validated": ["scheduled", "in_progress", "cut_over", "validated"],
    "retired": ["scheduled", "in_progress", "cut_over", "validated", "retired"],
    "blocked": ["blocked"], "rolled_back": ["scheduled", "in_progress", "rolled_back"],
}
def call(method, path, body=None):
    req = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
def move(host, state, version):
    body = {"state": state, "version": version, "note": "walk"}
    if state == "scheduled":
        body["date"] = "2027-03-01"
    return call("POST", f"/api/v1/hosts/{host}/migration", body)
hosts = []
for w in waves["waves"]:
    if w["number"] == raced:
        continue
    status, detail = call("GET", f"/api/v1/waves/{w['number']}")
    hosts += [h["id"] for h in detail["hosts"]]
pairs = [(f, t) for f in LEGAL for t in LEGAL]
assert len(hosts) >= len(pairs), (len(hosts), len(pairs))
legal = illegal = 0
for (start, to), host in zip(pairs, hosts):
    version = 0
    for state in PATH[start]:
        status, answer = move(host, state, version)
        assert status == 200, (host, state, answer)
        version = answer["version"]
    status, answer = move(host, to, version)
    if start == to and to != "scheduled":  # staying put is no change
        assert status == 200 and answer["changed"] == 0, (start, to, answer)
    elif to in LEGAL[start]:
        assert status == 200 and answer["changed"] == 1, (start, to, answer)
        legal += 1
    else:
        assert status == 409 and answer["code"] == "illegal_transition", (start, to, answer)
        assert f"from {start} to {to}" in answer["error"], answer["error"]
        illegal += 1
    status, now = call("GET", f"/api/v1/hosts/{host}/migration")
    expected = to if (status == 200 and to in LEGAL[start]) else start
    assert now["state"] == expected, (start, to, now["state"])
print(f"{legal} legal and {illegal} illegal transitions checked")
assert legal == sum(len(v) for v in LEGAL.values()), legal
PY
ok "every transition of the lifecycle: the legal ones 200, every other one 409 naming from and to"

# A host's history and the audit log.
host=$(api "/api/v1/waves/$wave" | json 'd["hosts"][0]["id"]')
api "/api/v1/hosts/$host/migration" >"$WORK/host.json"
python3 - "$WORK/host.json" "$winner" <<'PY' || fail "history: $(cat "$WORK/host.json")"
import json, sys
h, winner = json.load(open(sys.argv[1])), sys.argv[2]
assert h["state"] == winner and [e["to"] for e in h["history"]] == [winner, "scheduled"], h["history"]
assert h["history"][1]["from"] == "planned" and h["history"][1]["by"] == "paul"
assert h["history"][0]["version"] == h["version"]
PY
[[ $(sql "SELECT count(*) FROM audit_log WHERE action = 'migration-status' AND detail LIKE 'wave $wave: $size hosts to scheduled by paul: weekend%'") == 1 ]] ||
  fail "audit: $(sql "SELECT detail FROM audit_log WHERE action = 'migration-status' LIMIT 3")"
ok "a host's history names each change, who and when; the audit log has the bulk change"

# A move group in bulk: one whose hosts the walk above left planned.
api /api/v1/waves >"$WORK/waves.json"
for n in $(json '" ".join(str(w["number"]) for w in d["waves"])' <"$WORK/waves.json"); do
  api "/api/v1/waves/$n"
  echo
done >"$WORK/wave-details.jsonl"
read -r group members < <(python3 - "$WORK/wave-details.jsonl" <<'PY'
import json, sys
groups = {}
for line in filter(str.strip, open(sys.argv[1])):
    for h in json.loads(line)["hosts"]:
        groups.setdefault(h["move_group"], []).append(h["state"])
print(next(f"{g} {len(s)}" for g, s in sorted(groups.items()) if len(s) > 1 and set(s) == {"planned"}))
PY
)
expect 200 paul POST "/api/v1/move-groups/$group/status" '{"state": "blocked", "version": 0, "note": "supplier"}'
[[ $(json 'd["changed"]' <"$WORK/answer.json") == "$members" ]] ||
  fail "move group $group has $members hosts: $(cat "$WORK/answer.json")"
expect 409 pia POST "/api/v1/move-groups/$group/status" '{"state": "scheduled", "date": "2027-04-01", "version": 0}'
ok "a move group changes in bulk ($group)"

# Progress against the baseline's own figures, and the same figures as gauges.
api /api/v1/baselines/1 >"$WORK/baseline.json"
api /api/v1/progress >"$WORK/progress.json"
api /api/v1/waves >"$WORK/waves.json"
for n in $(json '" ".join(str(w["number"]) for w in d["waves"])' <"$WORK/waves.json"); do
  api "/api/v1/waves/$n"
  echo
done >"$WORK/wave-details.jsonl"
curl -fsS "$URL/metrics" >"$WORK/metrics.txt"
python3 - "$WORK/baseline.json" "$WORK/progress.json" "$WORK/wave-details.jsonl" "$WORK/metrics.txt" <<'PY' || fail "progress"
import json, re, sys
b, p = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
states = {}
for line in filter(str.strip, open(sys.argv[3])):
    for h in json.loads(line)["hosts"]:
        states[h["id"]] = h["state"]
moving = {h["id"] for h in b["host_list"] if h["wave"] > 0}
assert set(states) == moving
# Hosts the plan retires in place are tracked too; nothing here changed them.
hosts = {h["id"]: h for h in b["host_list"] if h["wave"] > 0 or h["strategy"] == "retire"}
for i in hosts:
    states.setdefault(i, "planned")
committed = sum(hosts[i]["monthly_cost"] for i, s in states.items() if s in ("cut_over", "validated", "retired"))
planned = sum(h["monthly_cost"] for h in hosts.values())
retired = sum(1 for s in states.values() if s == "retired")
t = p["total"]
assert t["hosts"] == len(hosts) and abs(t["planned_monthly_cost"] - planned) < 1, (t, planned)
assert t["moving_hosts"] == len(moving) and t["moved"] == sum(1 for i in moving if states[i] in ("cut_over", "validated", "retired")), t
assert t["validated"] == sum(1 for i in moving if states[i] in ("validated", "retired")), t
assert abs(t["committed_monthly_cost"] - committed) < 1 and committed > 0, (t, committed)
assert t["retired_servers"] == retired > 0, t
for s in set(states.values()):
    assert t["states"][s] == sum(1 for x in states.values() if x == s), s
for level in ("regions", "provinces", "communes"):
    assert sum(x["hosts"] for x in p[level]) == t["hosts"], level
    assert abs(sum(x["committed_monthly_cost"] for x in p[level]) - committed) < 1, level
by_region = {}
for i, s in states.items():
    by_region.setdefault(hosts[i]["region"], []).append(s)
for r in p["regions"]:
    assert r["hosts"] == len(by_region[r["region"]]), r["region"]
gauges = {}
for line in open(sys.argv[4]):
    m = re.match(r'(sahab_migration_\w+)\{(.*)\} (\S+)$', line)
    if m:
        gauges[(m.group(1), m.group(2))] = float(m.group(3))
def total(name, **labels):
    return sum(v for (n, l), v in gauges.items() if n == name and all(f'{k}="{x}"' in l for k, x in labels.items()))
assert total("sahab_migration_hosts") == len(hosts), total("sahab_migration_hosts")
assert total("sahab_migration_hosts", state="retired") == retired
assert total("sahab_migration_hosts", state="in_progress") == t["states"]["in_progress"]
assert abs(total("sahab_migration_cost_mad", kind="committed") - committed) < 1
assert abs(total("sahab_migration_cost_mad", kind="planned") - planned) < 1
for r in p["regions"]:
    assert total("sahab_migration_hosts", region=r["region"]) == r["hosts"], r["region"]
print(f"{len(hosts)} hosts, {retired} retired, committed {committed:.0f} of {planned:.0f} MAD/month")
PY
ok "progress by region, province and commune and the sahab_migration_* gauges match the hosts' states"

# The fleet changes: 40 new hosts and one host gone. The baseline stays; the diff shows it.
"$BIN_DIR/sahab-planner" generate-fleet --hosts 40 --seed 99 --out "$WORK/more.json"
python3 - "$WORK/more.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
# New servers, not the same ones again: imports match a stored host by name (docs/imports.md).
for h in f["hosts"]:
    h["id"] = "new-" + h["id"]
    h["hostname"] = "new-" + h["hostname"]
json.dump(f, open(sys.argv[1], "w"))
PY
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/more.json" \
  "$URL/api/v1/import" >/dev/null
gone=$(json '[h["id"] for h in d["host_list"] if h["wave"] == 0][0]' <"$WORK/baseline.json")
python3 -c "import sqlite3,sys; c=sqlite3.connect('$WORK/sahab.db', timeout=10); c.execute('DELETE FROM hosts WHERE id = ?', (sys.argv[1],)); c.commit()" "$gone"
api /api/v1/baselines/1 >"$WORK/baseline-after.json"
cmp -s <(json 'd["host_list"]' <"$WORK/baseline.json") <(json 'd["host_list"]' <"$WORK/baseline-after.json") ||
  fail "a recomputed plan changed the baseline"
api /api/v1/plan >"$WORK/plan2.json"
api /api/v1/baselines/1/diff >"$WORK/diff.json"
python3 - "$WORK/baseline.json" "$WORK/plan2.json" "$WORK/diff.json" "$gone" <<'PY' || fail "diff: $(head -c 800 "$WORK/diff.json")"
import json, sys
b, plan, d, gone = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4]
base = {h["id"]: h for h in b["host_list"]}
live = {h["id"]: h for h in plan["hosts"]}
assert sorted(x["id"] for x in d["new"]) == sorted(i for i in live if i not in base) and len(d["new"]) == 40
assert [x["id"] for x in d["absent"]] == [gone], d["absent"]
moved = sorted(i for i in base if i in live and (live[i].get("wave") or 0) != base[i]["wave"])
assert sorted(x["id"] for x in d["moved"]) == moved, (len(d["moved"]), len(moved))
c = d["monthly_cost"]
assert abs(c["baseline"] - b["monthly_cost"]) < 1 and abs(c["delta"] - (c["live"] - c["baseline"])) < 0.02
assert c["delta"] > 0, c  # 40 more hosts cost more
print(f"{len(d['moved'])} moved, 40 new, 1 absent, delta {c['delta']} MAD/month")
PY
ok "after the fleet changed the baseline is unchanged and its diff lists moved, new and absent hosts with the cost delta"

# Adopting a wave that would move a host already in progress is refused, and changes nothing.
read -r busy busy_wave < <(python3 - "$WORK/diff.json" "$WORK/wave-details.jsonl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
states = {}
for line in filter(str.strip, open(sys.argv[2])):
    for h in json.loads(line)["hosts"]:
        states[h["id"]] = h["state"]
m = next(x for x in d["moved"] if x["baseline_wave"] > 0 and states.get(x["id"]) == "planned")
print(m["id"], m["baseline_wave"])
PY
)
expect 200 paul POST "/api/v1/hosts/$busy/migration" \
  "{\"state\": \"scheduled\", \"date\": \"2027-05-03\", \"version\": $(api "/api/v1/hosts/$busy/migration" | json 'd["version"]')}"
expect 200 paul POST "/api/v1/hosts/$busy/migration" \
  "{\"state\": \"in_progress\", \"version\": $(json 'd["version"]' <"$WORK/answer.json")}"
expect 409 paul POST "/api/v1/baselines/1/waves/$busy_wave/adopt"
[[ $(json 'd["code"] + " " + d["params"]["host"]' <"$WORK/answer.json") == "wave_in_flight $busy" ]] ||
  fail "in flight: $(cat "$WORK/answer.json")"
cmp -s <(json 'd["host_list"]' <"$WORK/baseline.json") <(api /api/v1/baselines/1 | json 'd["host_list"]') ||
  fail "a refused adoption changed the baseline"
expect 200 paul POST "/api/v1/hosts/$busy/migration" \
  "{\"state\": \"rolled_back\", \"version\": $(api "/api/v1/hosts/$busy/migration" | json 'd["version"]')}"
ok "adopting wave $busy_wave would move $busy, in progress: 409 wave_in_flight, baseline unchanged"

# Adopting one wave of the live plan takes its hosts, and only that wave's.
adopt=$(python3 - "$WORK/diff.json" "$WORK/plan2.json" <<'PY'
import json, sys
d, plan = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
new_waves = sorted({x["live_wave"] for x in d["new"] if x["live_wave"] > 0})
print(new_waves[-1])
PY
)
expect 403 vera POST "/api/v1/baselines/1/waves/$adopt/adopt"
expect 200 paul POST "/api/v1/baselines/1/waves/$adopt/adopt"
api /api/v1/baselines/1 >"$WORK/baseline-adopted.json"
python3 - "$WORK/baseline.json" "$WORK/plan2.json" "$WORK/baseline-adopted.json" "$adopt" "$gone" <<'PY' || fail "adopt"
import json, sys
before, plan, after = (json.load(open(f)) for f in sys.argv[1:4])
n, gone = int(sys.argv[4]), sys.argv[5]
live = {h["id"]: (h.get("wave") or 0) for h in plan["hosts"]}
old = {h["id"]: h["wave"] for h in before["host_list"]}
new = {h["id"]: h["wave"] for h in after["host_list"]}
assert sorted(i for i, w in new.items() if w == n) == sorted(i for i, w in live.items() if w == n)
for i, w in old.items():
    if w != n and live.get(i) != n and i != gone:
        assert new[i] == w, (i, w, new[i])  # other waves untouched
PY
ok "adopting wave $adopt makes it the live plan's wave $adopt and leaves the other waves as approved"

# Before/after validation: a source server's last inventory against its target's.
report_inventory src-db "tcp/22/sshd tcp/5432/postgres udp/161/snmpd" "ssh.service postgresql.service"
report_inventory tgt-db "tcp/22/sshd tcp/5432/postgres" "ssh.service"
expect 404 vera GET /api/v1/hosts/src-db/validation
[[ $(code) == migration_target_not_linked ]] || fail "not linked: $(cat "$WORK/answer.json")"
expect 403 vera PUT /api/v1/hosts/src-db/migration/target '{"target_host": "tgt-db"}'
expect 400 paul PUT /api/v1/hosts/src-db/migration/target '{"target_host": "src-db"}'
expect 400 paul PUT /api/v1/hosts/src-db/migration/target '{"target": "tgt-db"}'
expect 404 paul PUT /api/v1/hosts/src-db/migration/target '{"target_host": "no-such-host"}'
expect 200 paul PUT /api/v1/hosts/src-db/migration/target '{"target_host": "tgt-db"}'
expect 200 vera GET /api/v1/hosts/src-db/validation
python3 - "$WORK/answer.json" <<'PY' || fail "validation: $(cat "$WORK/answer.json")"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["target"] == "tgt-db" and v["status"] == "regressions" and v["regressions"] == 2, v
bad = sorted((c["rule"], c["subject"]) for c in v["checks"] if c["regression"])
good = sorted((c["rule"], c["subject"]) for c in v["checks"] if not c["regression"] and "p95" not in c["rule"])
# collector_execution_report tests the P95 and dependency rules; here both report the same load.
assert [c["rule"] for c in v["checks"] if "p95" in c["rule"] and not c["regression"]] == ["cpu_p95", "memory_p95"], v
assert bad == [("port_listening", "udp/161"), ("service_running", "postgresql.service")], bad
assert good == [("port_listening", "tcp/22"), ("port_listening", "tcp/5432"), ("service_running", "ssh.service")], good
PY
report_inventory src-ok "tcp/443/nginx" "nginx.service"
report_inventory tgt-ok "tcp/443/nginx tcp/22/sshd" "nginx.service ssh.service"
expect 200 paul PUT /api/v1/hosts/src-ok/migration/target '{"target_host": "tgt-ok"}'
expect 200 vera GET /api/v1/hosts/src-ok/validation
[[ $(json 'd["status"] + str(d["regressions"])' <"$WORK/answer.json") == ok0 ]] ||
  fail "validation ok: $(cat "$WORK/answer.json")"
ok "before/after validation flags the port and the service the target lost, and passes a complete target"

echo "$passed passed, 0 failed"
