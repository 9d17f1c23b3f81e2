# Debian source packages through a private sources list, so the system's apt setup is not touched:
# one deb-src line for the machine's own mirror and release, lists and downloads kept under a
# cache directory. Sourced by build-windows.sh and build-vcsim.sh:
#   debian_sources_in CACHE_DIR   sets apt_dir and apt_opts (for apt-get / apt-cache)
#   refresh_sources               writes the sources list and updates its index
#   source_version PKG            the version Debian's sources offer for PKG (a cache key)

debian_sources_in() {
  apt_dir="$1/apt"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root")
}

refresh_sources() {
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  local mirror release
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null ||
    true)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  release="$(. /etc/os-release && echo "$VERSION_CODENAME")"
  echo "deb-src $mirror $release main" >"$apt_dir/sources.list"
  apt-get "${apt_opts[@]}" update -qq >&2
}

source_version() {
  # awk reads to the end: leaving early would kill apt-cache with SIGPIPE on long records
  # (boost1.81's), failing the pipe under pipefail
  apt-cache "${apt_opts[@]}" showsrc "$1" 2>/dev/null | awk '/^Version:/ && !v {v = $2} END {print v}'
}
