#!/usr/bin/env bash
# The Plan, Costs and Exports pages while the plan is being computed, in real headless Chromium,
# against a fresh collector that plans nothing by itself (planner.metrics-interval 1h) loaded with
# a generated fleet (webui_lib.sh). The test holds the page's plan requests itself, so it passes
# whether the plan takes milliseconds or seconds.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

WEBUI_HOSTS="${WEBUI_HOSTS:-2000}" start_webui_collector --planner.metrics-interval 1h
node "$(dirname "$0")/webui_plan_progress.mjs"
