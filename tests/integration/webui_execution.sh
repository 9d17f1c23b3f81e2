#!/usr/bin/env bash
# Execution tracking in the web UI (baseline, a wave's page, Progress), in French then in Arabic,
# in real headless Chromium on the demo fleet (the planner's synthetic 2,000 servers and a real
# agent, webui_lib.sh) with a source server and the target it moved to; EXTRA_FLEET: a dozen new
# servers imported midway, so the live plan differs from the baseline.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

start_demo_collector
# A server and the one it moved to, which no longer listens on 8080: its validation flags the port.
report_inventory src-app "tcp/22/sshd tcp/8080/java" "ssh.service tomcat.service"
report_inventory tgt-app "tcp/22/sshd" "ssh.service tomcat.service"
export EXTRA_FLEET="$WORK/extra.json"
python3 - >"$EXTRA_FLEET" <<'PY'
import json
hosts = [{"id": f"new-{i:02d}", "hostname": f"srv-nouveau-{i:02d}.gov.ma",
          "labels": {"region": "Souss-Massa", "province": "Agadir", "commune": "Agadir", "environment": "prod"},
          "os": {"family": "linux", "name": "Ubuntu", "version": "22.04"}, "cpu": {"cores": 4}, "memory_bytes": 8 << 30}
         for i in range(12)]
print(json.dumps({"format": "sahab-fleet/1", "hosts": hosts}))
PY
node "$(dirname "$0")/webui_execution.mjs"
