#!/usr/bin/env bash
# The Plan, Costs and Exports pages in real headless Chromium against a real collector loaded with
# a generated fleet (webui_lib.sh), with a planner user besides the viewer and the admin.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

export PLANNER_PASSWORD="planner-$RANDOM-secret"
start_webui_collector --ui.user "paula:planner:$(echo "$PLANNER_PASSWORD" | "$COLLECTOR" hash-password)"
node "$(dirname "$0")/webui_plan.mjs"
