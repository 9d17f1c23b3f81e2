#!/usr/bin/env bash
# Execution tracking beyond the lifecycle (docs/execution.md), on a real collector fed by real
# ingest (agent documents over HTTP, tests/integration/sahab_push.py): servers report, the plan
# puts them in waves, an administrator approves it; then
# - before/after validation: each rule (port listening, service running, dependency reached, P95
#   CPU and memory under the sized target) fires on a target that lost something and stays quiet
#   on a complete one, a dependency that moved too counts as reached at its target, and the flags
#   show on the wave's page;
# - a host the plan retires in place goes planned -> retired through its own track (the move's
#   states are 409), two architects racing on it lose nothing;
# - the weekly steering report as .xlsx (read back with openpyxl against /api/v1/progress, its
#   sheet names and headers from the unzipped XML) and as printable HTML, both in the reader's
#   language, with a hostile host name and place escaped.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
SRC="${SAHAB_SOURCE_DIR:?}"

hash_of() { echo "$1" | "$COLLECTOR" hash-password; }
start_collector --planner.config "$SRC/configs/planner.yaml" --planner.metrics-interval 1h \
  --ui.user "vera:viewer:$(hash_of viewer-password-1)" \
  --ui.user "paul:planner:$(hash_of planner-password-1)" \
  --ui.user "pia:planner:$(hash_of planner-password-2)"
vera=$(login vera viewer-password-1 "$WORK/vera")
paul=$(login paul planner-password-1 "$WORK/paul")
pia=$(login pia planner-password-2 "$WORK/pia")

# The servers, as their agents report them. Sources run in Rabat; their targets run in the cloud
# under their own ids (strategy=retain: they are not planned to move again). A source's
# utilisation is three hours old (before its move), a target's ten minutes.
HOSTILE='<script>alert("x")</script>&amp;'
cat >"$WORK/servers.json" <<JSON
{
  "dep-db":    {"addr": "10.20.0.5",  "strategy": "retain", "ports": ["tcp/5432/postgres"], "services": ["postgresql.service"]},
  "dep-cache": {"addr": "10.20.0.6",  "strategy": "retain", "ports": ["tcp/6379/redis"], "services": ["redis.service"]},
  "src-app":   {"addr": "10.20.0.10", "strategy": "rehost", "hostname": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$HOSTILE"),
                "commune": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "<b>Agdal</b>"),
                "ports": ["tcp/443/nginx", "tcp/22/sshd", "udp/161/snmpd"],
                "services": ["nginx.service", "ssh.service", "snmpd.service"],
                "reaches": ["10.20.0.5:5432", "10.20.0.6:6379", "10.99.0.1:53"],
                "cpu": [0.20, 0.30, 0.30, 0.35], "memory": [0.40, 0.40, 0.45, 0.45], "age": 10800},
  "tgt-app":   {"addr": "10.30.0.10", "strategy": "retain", "ports": ["tcp/443/nginx", "tcp/22/sshd"],
                "services": ["nginx.service", "ssh.service"], "reaches": ["10.20.0.5:5432", "10.99.0.1:53"],
                "cpu": [0.90, 0.95, 0.96, 0.97], "memory": [0.85, 0.90, 0.92, 0.92], "age": 600},
  "src-web":   {"addr": "10.20.0.11", "strategy": "rehost", "ports": ["tcp/80/apache2"], "services": ["apache2.service"],
                "reaches": ["10.20.0.10:443", "10.20.0.5:5432"],
                "cpu": [0.10, 0.20, 0.20, 0.25], "memory": [0.30, 0.30, 0.30, 0.30], "age": 10800},
  "tgt-web":   {"addr": "10.30.0.11", "strategy": "retain", "ports": ["tcp/80/apache2", "tcp/22/sshd"],
                "services": ["apache2.service", "ssh.service"], "reaches": ["10.30.0.10:443", "10.20.0.5:5432"],
                "cpu": [0.20, 0.30, 0.30, 0.40], "memory": [0.40, 0.40, 0.40, 0.50], "age": 600},
  "old-fax":   {"addr": "10.20.0.12", "strategy": "retire", "ports": ["tcp/25/exim"], "services": []}
}
JSON
python3 - "$WORK/servers.json" "$WORK" <<'PY'
import json, sys
servers, work = json.load(open(sys.argv[1])), sys.argv[2]
for host, s in servers.items():
    labels = {"region": "Rabat-Salé-Kénitra", "province": "Rabat", "commune": s.get("commune", "Hassan"),
              "strategy": s["strategy"], "environment": "production"}
    listening = [{"protocol": p.split("/")[0], "address": "0.0.0.0", "port": int(p.split("/")[1]),
                  "process": p.split("/")[2]} for p in s["ports"]]
    connections = [{"direction": "outbound", "local_address": s["addr"], "local_port": 0,
                    "remote_address": r.split(":")[0], "remote_port": int(r.split(":")[1]),
                    "process": "app", "count": 2} for r in s.get("reaches", [])]
    services = [{"name": n, "state": "running", "running": True, "enabled": True} for n in s["services"]]
    sections = {
        "identity": {"host_id": host, "hostname": s.get("hostname", host), "labels": labels},
        "hardware": {"cpu": {"cores": 4, "threads": 4}, "memory_bytes": 8 << 30,
                     "nics": [{"name": "eth0", "ipv4": [s["addr"] + "/24"]}]},
        "network": {"listening": listening, "connections": connections},
        "software": {"services": services}}
    inventory = {"format": "sahab-inventory/1", "full": True,
                 "sections": {k: {"hash": f"{host}-{k}", "data": v} for k, v in sections.items()}}
    json.dump(inventory, open(f"{work}/inv-{host}.json", "w"))
    open(f"{work}/use-{host}", "w").write(" ".join([
        ",".join(map(str, s.get("cpu", [0.1] * 4))), ",".join(map(str, s.get("memory", [0.2] * 4))),
        str(s.get("age", 3600))]) + "\n")
PY
now=$(date +%s)
for host in $(json '" ".join(d)' <"$WORK/servers.json"); do
  cred=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" "$host")
  echo "$cred" >"$WORK/cred-$host"
  read -r cpu memory age <"$WORK/use-$host"
  for seq in 1 2 3; do  # three report intervals, the inventory with the first
    start=$(( (now - age) / 60 * 60 + seq * 60 ))
    python3 "$PUSH" doc "$host" "$seq" --start "$start" --values "$cpu" --memory "$memory" \
      $([[ $seq == 1 ]] && echo --inventory "$WORK/inv-$host.json") >"$WORK/doc.json"
    [[ "$(ingest "$cred" "$WORK/doc.json")" == 200 ]] || fail "ingest $host $seq: $(cat "$WORK/reply.json")"
  done
done
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' -d '{"name": "plan v1"}' \
  "$URL/api/v1/baselines" >/dev/null
api /api/v1/baselines/1 >"$WORK/baseline.json"
read -r wave web_wave < <(python3 - "$WORK/baseline.json" <<'PY'
import json, sys
hosts = {h["id"]: h for h in json.load(open(sys.argv[1]))["host_list"]}
assert hosts["src-app"]["wave"] > 0 and hosts["src-web"]["wave"] > 0, hosts
assert hosts["old-fax"]["wave"] == 0 and hosts["old-fax"]["strategy"] == "retire", hosts["old-fax"]
assert hosts["tgt-app"]["strategy"] == "retain" and hosts["dep-db"]["wave"] == 0
print(hosts["src-app"]["wave"], hosts["src-web"]["wave"])
PY
)
ok "seven servers reported through ingest; the approved plan moves src-app (wave $wave) and src-web, retires old-fax"

# Before any link, the wave's hosts carry no validation.
expect 200 vera GET "/api/v1/waves/$wave"
[[ $(json '[h["validation"] for h in d["hosts"] if h["id"] == "src-app"][0] is None and d["regressions"] == 0' <"$WORK/answer.json") == True ]] ||
  fail "unlinked: $(head -c 800 "$WORK/answer.json")"

# src-app starts moving now: its history before that is its "before".
v=$(api /api/v1/hosts/src-app/migration | json 'd["version"]')
expect 200 paul POST /api/v1/hosts/src-app/migration "{\"state\": \"scheduled\", \"date\": \"2027-02-01\", \"version\": $v}"
expect 200 paul POST /api/v1/hosts/src-app/migration "{\"state\": \"in_progress\", \"version\": $(json 'd["version"]' <"$WORK/answer.json")}"
expect 200 paul PUT /api/v1/hosts/src-app/migration/target '{"target_host": "tgt-app"}'
expect 200 paul PUT /api/v1/hosts/src-web/migration/target '{"target_host": "tgt-web"}'
expect 200 vera GET /api/v1/hosts/src-app/validation
cp "$WORK/answer.json" "$WORK/validation-app.json"
python3 - "$WORK/validation-app.json" <<'PY' || fail "src-app validation: $(cat "$WORK/validation-app.json")"
import json, sys
v = json.load(open(sys.argv[1]))
checks = {(c["rule"], c["subject"]): c for c in v["checks"]}
bad = sorted(k for k, c in checks.items() if c["regression"])
assert bad == [("cpu_p95", "cpu"), ("dependency_reached", "dep-cache:6379"), ("memory_p95", "memory"),
               ("port_listening", "udp/161"), ("service_running", "snmpd.service")], bad
# Each rule also passes where the target kept what the source had.
for kept in [("port_listening", "tcp/443"), ("service_running", "nginx.service"),
             ("dependency_reached", "dep-db:5432"), ("dependency_reached", "10.99.0.1:53")]:
    assert not checks[kept]["regression"], kept
cpu = checks[("cpu_p95", "cpu")]
assert abs(cpu["ceiling"] - 1 / 1.3) < 1e-6, cpu               # sizing.comfort_factor 1.3
assert 0.93 < cpu["after_p95"] < 0.99 and 0.3 < cpu["before_p95"] < 0.37, cpu
assert checks[("dependency_reached", "dep-cache:6379")]["detail"] == "app"
assert v["status"] == "regressions" and v["regressions"] == 5, v
PY
expect 200 vera GET /api/v1/hosts/src-web/validation
python3 - "$WORK/answer.json" <<'PY' || fail "src-web validation: $(cat "$WORK/answer.json")"
import json, sys
v = json.load(open(sys.argv[1]))
rules = sorted((c["rule"], c["subject"], c["regression"]) for c in v["checks"])
assert rules == [("cpu_p95", "cpu", False), ("dependency_reached", "dep-db:5432", False),
                 ("dependency_reached", "src-app:443", False), ("memory_p95", "memory", False),
                 ("port_listening", "tcp/80", False), ("service_running", "apache2.service", False)], rules
assert v["status"] == "ok" and v["regressions"] == 0, v
PY
ok "validation: a lost port, service and dependency and a P95 above 1/comfort flagged on tgt-app; tgt-web passes every rule (src-app:443 reached at its target tgt-app)"

# The flags on the wave's page.
expect 200 vera GET "/api/v1/waves/$wave"
python3 - "$WORK/answer.json" "$wave" "$web_wave" <<'PY' || fail "wave flags: $(head -c 1500 "$WORK/answer.json")"
import json, sys
w, wave, web_wave = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
hosts = {h["id"]: h for h in w["hosts"]}
app = hosts["src-app"]["validation"]
assert app["target"] == "tgt-app" and app["status"] == "regressions" and app["regressions"] == 5, app
assert {"rule": "dependency_reached", "subject": "dep-cache:6379", "detail": "app"} in app["flags"], app
assert w["regressions"] == 1, w["regressions"]  # hosts with a regression
if web_wave == wave:
    assert hosts["src-web"]["validation"]["status"] == "ok"
assert all(h["validation"] is None for i, h in hosts.items() if i not in ("src-app", "src-web"))
PY
ok "GET /api/v1/waves/$wave shows src-app's five regressions and a wave count of 1"

# tgt-web stops listening on tcp/80. The wave's page shows the flags kept at the last validation
# (refreshed every 5 minutes) until src-web's validation is read again, which keeps the new ones.
cp "$WORK/inv-tgt-web.json" "$WORK/inv-tgt-web.json.orig"
python3 - "$WORK/inv-tgt-web.json" <<'PY'
import json, sys
inv = json.load(open(sys.argv[1]))
network = inv["sections"]["network"]
network["data"]["listening"] = [l for l in network["data"]["listening"] if l["port"] != 80]
network["hash"] = "tgt-web-network-2"
json.dump(inv, open(sys.argv[1], "w"))
PY
python3 "$PUSH" doc tgt-web 4 --inventory "$WORK/inv-tgt-web.json" >"$WORK/doc.json"
[[ "$(ingest "$(cat "$WORK/cred-tgt-web")" "$WORK/doc.json")" == 200 ]] || fail "ingest tgt-web 4: $(cat "$WORK/reply.json")"
web_flags() { api "/api/v1/waves/$web_wave" | json '[h["validation"]["status"] + ":" + ",".join(f["subject"] for f in h["validation"]["flags"]) for h in d["hosts"] if h["id"] == "src-web"][0]'; }
[[ $(web_flags) == "ok:" ]] || fail "kept flags: $(web_flags)"
expect 200 vera GET /api/v1/hosts/src-web/validation
[[ $(json 'd["status"]' <"$WORK/answer.json") == regressions ]] || fail "fresh validation: $(cat "$WORK/answer.json")"
[[ $(web_flags) == "regressions:tcp/80" ]] || fail "flags after the read: $(web_flags)"
python3 "$PUSH" doc tgt-web 5 --inventory "$WORK/inv-tgt-web.json.orig" >"$WORK/doc.json"
[[ "$(ingest "$(cat "$WORK/cred-tgt-web")" "$WORK/doc.json")" == 200 ]] || fail "ingest tgt-web 5: $(cat "$WORK/reply.json")"
expect 200 vera GET /api/v1/hosts/src-web/validation
[[ $(web_flags) == "ok:" ]] || fail "flags once tcp/80 is back: $(web_flags)"
ok "tgt-web lost tcp/80: the wave's page keeps the last flags until src-web's validation is read, then shows the regression (and its end)"

# A host the plan retires in place: its own track, 409 for the move's states, no lost update.
expect 200 vera GET /api/v1/hosts/old-fax/migration
[[ $(json 'd["state"] + " " + str(d["wave"]) + " " + d["strategy"]' <"$WORK/answer.json") == "planned 0 retire" ]] ||
  fail "old-fax: $(cat "$WORK/answer.json")"
expect 404 paul POST /api/v1/hosts/dep-db/migration '{"state": "scheduled", "date": "2027-02-01", "version": 0}'
[[ $(code) == host_not_tracked ]] || fail "retained host: $(cat "$WORK/answer.json")"
for state in in_progress cut_over validated rolled_back; do
  expect 409 paul POST /api/v1/hosts/old-fax/migration "{\"state\": \"$state\", \"version\": 0}"
  python3 - "$WORK/answer.json" "$state" <<'PY' || fail "old-fax to $state: $(cat "$WORK/answer.json")"
import json, sys
a, state = json.load(open(sys.argv[1])), sys.argv[2]
assert a["code"] == "illegal_transition" and a["params"]["to"] == state, a
assert a["params"]["allowed"] == "scheduled, retired, blocked", a["params"]
assert "retires it in place" in a["error"], a["error"]
PY
done
expect 200 paul POST /api/v1/hosts/old-fax/migration '{"state": "scheduled", "date": "2027-03-01", "version": 0, "note": "switch-off"}'
v=$(json 'd["version"]' <"$WORK/answer.json")
as paul POST /api/v1/hosts/old-fax/migration "{\"state\": \"retired\", \"version\": $v}" >"$WORK/race-paul" &
race=$!
as pia POST /api/v1/hosts/old-fax/migration "{\"state\": \"blocked\", \"version\": $v, \"note\": \"owner objects\"}" >"$WORK/race-pia"
wait "$race"
statuses="$(cat "$WORK/race-paul") $(cat "$WORK/race-pia")"
[[ "$statuses" == "200 409" || "$statuses" == "409 200" ]] || fail "race on old-fax: $statuses"
winner=$([[ $(cat "$WORK/race-paul") == 200 ]] && echo retired || echo blocked)
[[ $(api /api/v1/hosts/old-fax/migration | json 'd["state"]') == "$winner" ]] || fail "old-fax lost an update"
[[ $(sql "SELECT count(*) FROM migration_history WHERE host_id = 'old-fax'") == 2 ]] || fail "old-fax history"
if [[ $winner == blocked ]]; then
  v=$(api /api/v1/hosts/old-fax/migration | json 'd["version"]')
  expect 409 paul POST /api/v1/hosts/old-fax/migration "{\"state\": \"retired\", \"version\": $v}"
  expect 200 paul POST /api/v1/hosts/old-fax/migration "{\"state\": \"scheduled\", \"date\": \"2027-03-08\", \"version\": $v}"
  expect 200 paul POST /api/v1/hosts/old-fax/migration "{\"state\": \"retired\", \"version\": $(json 'd["version"]' <"$WORK/answer.json")}"
fi
expect 409 paul POST /api/v1/hosts/old-fax/migration "{\"state\": \"planned\", \"version\": $(api /api/v1/hosts/old-fax/migration | json 'd["version"]')}"
expect 200 vera GET /api/v1/retirements
[[ $(json '[(h["id"], h["state"]) for h in d["hosts"]] == [("old-fax", "retired")] and d["states"]["retired"] == 1' <"$WORK/answer.json") == True ]] ||
  fail "retirements: $(cat "$WORK/answer.json")"
[[ $(api /api/v1/waves | json 'sum(w["hosts"] for w in d["waves"])') == 2 ]] || fail "a retired-in-place host joined a wave"
ok "old-fax (retire strategy): the move's states are 409, scheduled then retired ($winner won a race, the other 409), final"

# Progress counts the switched-off server; the report's figures are the same.
api /api/v1/progress >"$WORK/progress.json"
python3 - "$WORK/progress.json" <<'PY' || fail "progress: $(cat "$WORK/progress.json")"
import json, sys
t = json.load(open(sys.argv[1]))["total"]
assert t["hosts"] == 3 and t["moving_hosts"] == 2 and t["moved"] == 0, t
assert t["states"]["retired"] == 1 and t["retired_servers"] == 1 and t["states"]["in_progress"] == 1, t
assert t["retired_in_place"] == 1, t
assert t["retired_on_premises_monthly_cost"] > 0, t
PY
curl -fsS "$URL/metrics" >"$WORK/metrics.txt"
grep -q '^sahab_migration_hosts{region="Rabat-Salé-Kénitra",state="retired"} 1$' "$WORK/metrics.txt" ||
  fail "gauge: $(grep sahab_migration_hosts "$WORK/metrics.txt")"
ok "progress and sahab_migration_hosts count old-fax as a server switched off"

# The steering report: bad choices are 400, viewers read it.
expect 400 vera GET '/api/v1/progress/report?format=pdf'
[[ $(json 'd["params"]["name"]' <"$WORK/answer.json") == format ]] || fail "format: $(cat "$WORK/answer.json")"
expect 400 vera GET '/api/v1/progress/report?format=html&lang=de'
[[ $(json 'd["params"]["name"]' <"$WORK/answer.json") == lang ]] || fail "lang: $(cat "$WORK/answer.json")"
expect_status 401 "$URL/api/v1/progress/report?format=html"
curl -fsS -D "$WORK/xlsx.headers" -o "$WORK/steering.xlsx" -b "$WORK/vera" "$URL/api/v1/progress/report?format=xlsx"
grep -qi '^content-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' "$WORK/xlsx.headers" ||
  fail "xlsx headers: $(cat "$WORK/xlsx.headers")"
grep -qi 'filename="sahab-steering-....-..-..\.xlsx"' "$WORK/xlsx.headers" || fail "xlsx name: $(cat "$WORK/xlsx.headers")"
api "/api/v1/waves/$wave" >"$WORK/wave.json"
python3 "$(dirname "$0")/steering_xlsx.py" "$WORK/steering.xlsx" "$WORK/progress.json" "$WORK/wave.json" fr ||
  fail "the steering workbook differs from /api/v1/progress or is not in French"
ok "GET /api/v1/progress/report?format=xlsx: in French (vera chose no language), sheets and headers from the catalogue; openpyxl reads the progress figures, the wave in flight and the regressions"

# The workbook in the reader's language (vera chose Arabic), ?lang= over it; zgh reads French.
expect 200 vera PUT /api/v1/me/preferences '{"language": "ar"}'
curl -fsS -o "$WORK/steering-ar.xlsx" -b "$WORK/vera" "$URL/api/v1/progress/report?format=xlsx"
curl -fsS -o "$WORK/steering-en.xlsx" -b "$WORK/vera" "$URL/api/v1/progress/report?format=xlsx&lang=en"
curl -fsS -o "$WORK/steering-zgh.xlsx" -b "$WORK/vera" "$URL/api/v1/progress/report?format=xlsx&lang=zgh"
for lang in ar en zgh; do
  python3 "$(dirname "$0")/steering_xlsx.py" "$WORK/steering-$lang.xlsx" "$WORK/progress.json" "$WORK/wave.json" "$lang" ||
    fail "the steering workbook in $lang"
done
ok "GET /api/v1/progress/report?format=xlsx in Arabic for vera, ?lang=en over it, zgh in French: sheet names, headers, states and rules from the catalogue"

# HTML: the reader's language (vera chose Arabic), ?lang= over it, everything escaped.
curl -fsS -D "$WORK/html.headers" -o "$WORK/steering-ar.html" -b "$WORK/vera" "$URL/api/v1/progress/report?format=html"
curl -fsS -o "$WORK/steering-en.html" -b "$WORK/vera" "$URL/api/v1/progress/report?format=html&lang=en"
curl -fsS -o "$WORK/steering-fr.html" -H "$API_AUTH" "$URL/api/v1/progress/report"
grep -qi "^content-security-policy: default-src 'none'" "$WORK/html.headers" || fail "html CSP: $(cat "$WORK/html.headers")"
python3 - "$WORK" "$HOSTILE" <<'PY' || fail "html report"
import html, sys
from html.parser import HTMLParser
work, hostile = sys.argv[1], sys.argv[2]
pages = {lang: open(f"{work}/steering-{lang}.html", encoding="utf-8").read() for lang in ("ar", "en", "fr")}
assert '<html lang="ar" dir="rtl">' in pages["ar"] and "تقرير القيادة الأسبوعي" in pages["ar"], pages["ar"][:300]
assert '<html lang="en">' in pages["en"] and "weekly steering report" in pages["en"]
assert '<html lang="fr">' in pages["fr"] and "rapport de pilotage hebdomadaire" in pages["fr"]
for lang, page in pages.items():
    # The hostile host name and commune only ever appear escaped, as text.
    assert "<script" not in page and "<b>Agdal" not in page, lang
    assert html.escape(hostile) in page, (lang, "hostile host name not shown escaped")
    assert "&lt;b&gt;Agdal&lt;/b&gt;" in page, lang
    class Cells(HTMLParser):
        def __init__(self):
            super().__init__(); self.text = []; self.tags = set()
        def handle_starttag(self, tag, attrs): self.tags.add(tag)
        def handle_data(self, data): self.text.append(data)
    p = Cells(); p.feed(page)
    assert p.tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "br", "table", "tr", "th", "td", "bdi"}, p.tags
    text = "".join(p.text)
    assert hostile in text, lang   # read back as the text it is
rules = {"ar": "تبعية غير متصلة", "en": "dependency not reached", "fr": "dépendance non atteinte"}
for lang, rule in rules.items():
    assert rule in pages[lang], (lang, rule)
assert "servers switched off" in pages["en"] and "serveurs éteints" in pages["fr"]
PY
ok "GET /api/v1/progress/report?format=html: Arabic for vera (rtl), ?lang=en over it, French by default; the hostile name and commune escaped"

echo "$passed passed, 0 failed"
