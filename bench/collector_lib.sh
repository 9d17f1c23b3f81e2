# What the collector benchmarks share (sourced; $PID is the collector's): their workspace, and
# the collector's RSS and CPU.

# bench_workspace NAME: a temporary directory $WORK, removed on exit with the collector ($PID)
# stopped; a free loopback $PORT and its $URL; an API token in $WORK/token.
bench_workspace() {
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/sahab-$1.XXXXXX")"
  PID=""
  trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  URL="http://127.0.0.1:$PORT"
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/token"
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }

cpu() {  # the collector's CPU seconds so far: utime + stime of /proc/PID/stat
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$PID/stat"
}

# peak_rss_while PROCESS: the collector's highest VmRSS in KB, sampled every 20 ms while PROCESS
# (a request in the background) runs.
peak_rss_while() {
  local peak sample
  peak="$(rss_kb)"
  while kill -0 "$1" 2>/dev/null; do
    sample="$(rss_kb)"
    ((sample > peak)) && peak="$sample"
    sleep 0.02
  done
  echo "$peak"
}
