#!/usr/bin/env bash
# The Dependencies page in real headless Chromium on the demo fleet (the planner's synthetic 2,000
# servers and their connections, and a real agent on this machine): named groups, links in words,
# a host found by its hostname.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

start_demo_collector
node "$(dirname "$0")/webui_dependencies.mjs"
