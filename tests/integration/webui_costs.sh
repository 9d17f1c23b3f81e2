#!/usr/bin/env bash
# The Costs page's on-premises model in real headless Chromium against a real collector loaded with
# a generated fleet (webui_lib.sh): breakdown by category, plausibility warnings, the business-case
# chart with its break-even, and an assumption edited as a what-if (docs/costs.md).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

export PLANNER_PASSWORD="planner-$RANDOM-secret"
start_webui_collector --ui.user "paula:planner:$(echo "$PLANNER_PASSWORD" | "$COLLECTOR" hash-password)"
node "$(dirname "$0")/webui_costs.mjs"
