#!/usr/bin/env bash
# Host pages (empty states, units, the change history of a real agent) and the Agents page
# (install command refused on a loopback address, enrolled agents) in real headless Chromium on
# the demo fleet, plus a host with six hours of pushed measurements (history-01).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

start_demo_collector
push_history history-01 history-01.gov.ma
node "$(dirname "$0")/webui_host_agents.mjs"
