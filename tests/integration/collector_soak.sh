#!/usr/bin/env bash
# A one-minute soak (bench/soak.sh, issue 17): 200 simulated agents that resend what was not
# acknowledged and 3 real agents, the collector killed with -9 once and stopped once; every
# acknowledged batch is in the store once, the real agents' spool drops are exactly the batches
# missing. Then the count is shown to fail on a store that lost one batch, one that holds a batch
# twice, and a real agent whose drops do not match, and the RSS verdict on a growing curve.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/real_agents_lib.sh"
SOAK="$SAHAB_SOURCE_DIR/bench"
# On PostgreSQL (ctest collector_soak_postgres, with_postgres.sh) the store is its server.
STORE="${SAHAB_TEST_STORE:+--store $SAHAB_TEST_STORE}" \
  DURATION=45 AGENTS=200 INTERVAL=5 KILLS=1 STOP_SECONDS=12 REAL_INTERVAL=500ms REAL_SPOOL=4KiB \
  "$SOAK/soak.sh" "$BIN_DIR/.." "$WORK/soak" >"$WORK/soak.txt" 2>"$WORK/soak.log" ||
  { cat "$WORK/soak.txt" "$WORK/soak.log" >&2; fail "soak: the count is not exact"; }
grep -q "^count: exact" "$WORK/soak.txt" || fail "no exact count in the report"
(( $(grep -c "stopped with SIGKILL" "$WORK/soak/events.log") == 1 )) || fail "not killed once"
(( $(grep -c "stopped with SIGTERM" "$WORK/soak/events.log") == 2 )) || fail "not stopped once (and at the end)"
read -r _ spooled acked _ dropped _ < <(sed -n 3p "$WORK/soak/real_agents.txt")
(( dropped > 0 )) || fail "the real agent with a 4 KiB spool dropped nothing during the stop"
(( $(wc -l <"$WORK/soak/acks.txt") == 200 )) || fail "not every simulated agent reported"
grep -Eq "^ +[0-9]+ +[0-9.]+ " "$WORK/soak.txt" || fail "no RSS curve"
ok "soak: $(grep '^simulated' "$WORK/soak.txt"); real agent 3: $spooled spooled, $acked acknowledged, $dropped dropped, the only ones that may be missing"

# The count can fail: one batch fewer stored for a simulated agent, one more (a twin), and a real
# agent's drops off by one.
count_fails_on "$WORK/soak" stored.txt '/^soak-7 /s/^\(soak-7 [0-9]*\) \([0-9]*\)/echo "\1 $((\2 - 1))"/e' \
  "soak-7: [0-9]* acknowledged, [0-9]* stored"
count_fails_on "$WORK/soak" stored.txt '/^soak-8 /s/^\(soak-8 [0-9]* [0-9]*\) \([0-9]*\)/echo "\1 $((\2 + 10))"/e' \
  "soak-8: .* summary entries"
count_fails_on "$WORK/soak" real_agents.txt '3s/^\(\S* \S* \S* \S*\) \(\S*\)/echo "\1 $((\2 + 1))"/e' \
  "soa0*3: .*dropped"
ok "the count fails on a lost batch, a twin and a miscounted drop"

# The RSS verdict can fail: the report's verdict on this run's counts with a made-up curve of one
# collector living SECONDS whose RSS grows KIB every 10 s sample.
rss_verdict() {  # rss_verdict SECONDS KIB
  local copy="$WORK/rss-$1-$2" t
  mkdir -p "$copy"
  cp "$WORK/soak/acks.txt" "$WORK/soak/real_agents.txt" "$WORK/soak/stored.txt" "$copy/"
  { head -n 1 "$WORK/soak/samples.txt"
    for ((t = 0; t <= $1; t += 10)); do echo "$t $((40000 + t / 10 * $2)) 4242 - - - - - - - -"; done
  } >"$copy/samples.txt"
  python3 "$SOAK/soak_report.py" "$copy" | sed -n 's/^RSS flat after warm-up.*: //p'
}
[[ "$(rss_verdict 1200 0)" == yes ]] || fail "a flat 20-minute life is not flat: $(rss_verdict 1200 0)"
[[ "$(rss_verdict 1200 17)" == NO ]] || fail "a life growing 6 MiB/h is flat: $(rss_verdict 1200 17)"
[[ "$(rss_verdict 600 17)" == "not judged"* ]] || fail "a 10-minute life is judged: $(rss_verdict 600 17)"
ok "the RSS verdict: flat for a level curve, NO for 6 MiB/h after warm-up, not judged for a 10-minute life"
echo "$passed passed, 0 failed"
