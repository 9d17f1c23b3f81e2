#!/usr/bin/env bash
# The Sources page in real headless Chromium against vcsim (VMware's simulator, built from
# Debian's govmomi source): an admin tests a connection (wrong, then right password), adds a
# vCenter of 2,000 VMs, sees it run and its VMs in Hosts and in the plan, sized on their
# performance history; a source with wrong credentials shows its failed state; edit, run now and
# delete; the password is never shown; the viewer has no Sources link.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/vcsim_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

export VCSIM_PASSWORD='Vc-S3cret!pw'
start_vcsim vcsim -dc 1 -cluster 2 -host 2 -vm 1000 -standalone-host 0 -username reader \
  -password "$VCSIM_PASSWORD"
start_ui_users_collector --sources.interval 1h
export_browser_env
export VCSIM_URL
node "$(dirname "$0")/webui_sources.mjs"
! grep -q "$VCSIM_PASSWORD" "$WORK/collector.log" || fail "the password is in the collector's log"
