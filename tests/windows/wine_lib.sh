# Sourced by the Wine tests before lib.sh. windows_build DIR [TARGET...]: fails unless Wine and the
# mingw-w64 cross compiler are installed, then builds the Windows agent into DIR
# (scripts/build-windows.sh, warm dependency cache) and the extra targets named (test probes);
# the build's output is shown only when it fails.
windows_build() {
  local dir=$1 tool
  shift
  for tool in wine x86_64-w64-mingw32-g++-posix; do
    command -v "$tool" >/dev/null ||
      { echo "FAIL: $tool not installed (./scripts/install-deps.sh windows)" >&2; exit 1; }
  done
  local log="${TMPDIR:-/tmp}/sahab-build-windows.$$.log"
  { "$(dirname "${BASH_SOURCE[0]}")/../../scripts/build-windows.sh" "$dir" &&
    { (($# == 0)) || cmake --build "$dir" -j 2 --target "$@"; }; } >"$log" 2>&1 ||
    { tail -30 "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
}
