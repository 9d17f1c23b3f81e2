#!/usr/bin/env bash
# The Overview's next steps in real headless Chromium on the demo fleet (the planner's synthetic
# 2,000 servers and a real agent on this machine): counts equal to the API's, links that open the
# filtered list resolving each step.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

start_demo_collector
node "$(dirname "$0")/webui_next_steps.mjs"
