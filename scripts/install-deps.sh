#!/usr/bin/env bash
# Installs the Debian packages Sahab needs that are missing, and nothing else.
# Usage: install-deps.sh build [test]
# The lists live in scripts/packages/<set>.txt, one package per line, '#' comments allowed.
# "PACKAGE cmd:COMMAND" means: satisfied when COMMAND is on the PATH, whichever package brought it
# (Node.js images ship npm inside their own nodejs package, which conflicts with Debian's npm).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

wanted=()
for set in "$@"; do
  list="$here/packages/$set.txt"
  [[ -f "$list" ]] || { echo "install-deps: unknown package set '$set' ($list missing)" >&2; exit 2; }
  while read -r pkg rest; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    if [[ "$rest" =~ ^cmd:([^[:space:]]+) ]] && command -v "${BASH_REMATCH[1]}" >/dev/null; then
      continue
    fi
    wanted+=("$pkg")
  done <"$list"
done

missing=()
for pkg in "${wanted[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
