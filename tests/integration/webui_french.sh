#!/usr/bin/env bash
# Every page in French, in real headless Chromium on the demo fleet (the planner's synthetic
# 2,000 servers and a real agent on this machine), shows no string of the English catalogue.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

start_demo_collector
node "$(dirname "$0")/webui_french.mjs"
