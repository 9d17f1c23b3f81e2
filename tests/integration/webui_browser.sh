#!/usr/bin/env bash
# The web UI in real headless Chromium against a real collector loaded with a generated fleet.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

start_webui_collector
node "$(dirname "$0")/webui_browser.mjs"
