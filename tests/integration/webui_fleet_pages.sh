#!/usr/bin/env bash
# The Overview (fleet summary, end of life, plan costs and strategies), Hosts (strategy filter),
# Host (recommendation, dependencies, window chooser, charts), Dependencies and Agents pages in
# real headless Chromium against a collector loaded with 10,000 generated hosts, plus hosts on
# old systems and dependencies (an application cluster and a shared DNS server).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

# An MSI in the downloads folder makes the Agents page give the Windows one-liner too (the real
# MSI's download and install are tested under Wine: tests/windows/agent_wine.sh).
mkdir "$WORK/downloads"
echo "stands for the Windows agent's MSI" >"$WORK/downloads/sahab-agent-0.1.0-x64.msi"
start_webui_collector --public-url https://sahab.example.ma --downloads-dir "$WORK/downloads"
import_fleet_extras
export ADMIN_PASSWORD
node "$(dirname "$0")/webui_fleet_pages.mjs"
