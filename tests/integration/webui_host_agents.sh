#!/usr/bin/env bash
# Host pages (empty states, units, the change history of a real agent) and the Agents page
# (install command refused on a loopback address, enrolled agents) in real headless Chromium on
# the demo fleet, plus a host with six hours of pushed measurements (history-01).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

# Hosts silent for 10 s are stale: history-01, pushed once, becomes a silent agent.
start_demo_collector --stale-after 10s --maintenance.interval 1s
push_history history-01 history-01.gov.ma
node "$(dirname "$0")/webui_host_agents.mjs"
