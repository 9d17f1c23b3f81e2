# The collector's RSS and CPU for the collector benchmarks (sourced; $PID is the collector's).

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
