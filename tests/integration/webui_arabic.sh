#!/usr/bin/env bash
# The web UI in Arabic (right to left) and the Amazigh navigation (Tifinagh), in real headless
# Chromium on the demo fleet (the planner's synthetic 2,000 servers and a real agent), with the
# shared RVTools sample previewed on the Imports page and a vCenter source on the Sources page.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

# The font families fontconfig has for Arabic (U+0627) and Tifinagh (U+2D30): what Chromium may
# draw them with without tofu (fonts-dejavu-core or fonts-noto-core, scripts/packages/test.txt).
ARABIC_FONTS="$(fc-list ':charset=0627' family | tr ',' '\n' | sort -u | paste -sd '|')"
TIFINAGH_FONTS="$(fc-list ':charset=2d30' family | tr ',' '\n' | sort -u | paste -sd '|')"
[[ -n "$ARABIC_FONTS" && -n "$TIFINAGH_FONTS" ]] || fail "no font for Arabic or Tifinagh: install fonts-noto-core"
export ARABIC_FONTS TIFINAGH_FONTS

export_rvtools_sample
# A vCenter URL nothing listens on: the Sources page's row of a failed source.
export UNREACHABLE_VCENTER="https://127.0.0.1:$(free_port)/sdk"
start_demo_collector
node "$(dirname "$0")/webui_arabic.mjs"
