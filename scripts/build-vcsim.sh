#!/usr/bin/env bash
# Builds vcsim, VMware's vCenter simulator, from Debian's govmomi source package: the tests of the
# collector's vCenter sources run against it. Debian's golang-github-vmware-govmomi-dev leaves the
# program out, its source package has it. Built offline with Debian's Go and the golang-*-dev
# packages it depends on (scripts/packages/test.txt), never downloaded, never committed.
# The source comes through a private sources list (the system's apt setup is not touched) and the
# binary is cached outside the clone in $SAHAB_VCSIM_CACHE (default /var/cache/sahab-vcsim), one per
# source version: a warm cache builds nothing. Prints the binary's path on stdout.
# Usage: build-vcsim.sh
set -euo pipefail
cache="${SAHAB_VCSIM_CACHE:-/var/cache/sahab-vcsim}"
pkg=golang-github-vmware-govmomi

command -v go >/dev/null ||
  { echo "build-vcsim: go missing (./scripts/install-deps.sh test)" >&2; exit 1; }

source "$(dirname "$0")/debian_sources.sh"
debian_sources_in "$cache"

# One build at a time per cache (several tests may ask for vcsim together).
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
[[ -f "$apt_dir/sources.list" ]] || refresh_sources
version="$(source_version "$pkg")"
if [[ -z "$version" ]]; then refresh_sources; version="$(source_version "$pkg")"; fi
[[ -n "$version" ]] || { echo "build-vcsim: no Debian source for $pkg" >&2; exit 1; }
binary="$cache/vcsim-$version"
if [[ ! -x "$binary" ]]; then
  echo "build-vcsim: building vcsim from $pkg $version" >&2
  work="$(mktemp -d "$cache/build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get "${apt_opts[@]}" source -qq "$pkg" >/dev/null 2>&1) || {
    # Lists kept from an earlier run may name a version the mirror no longer has.
    refresh_sources
    (cd "$work" && apt-get "${apt_opts[@]}" source -qq "$pkg" >/dev/null)
    version="$(source_version "$pkg")"
    binary="$cache/vcsim-$version"
  }
  src="$(cd "$work" && find . -mindepth 1 -maxdepth 1 -type d | head -1)"
  # A GOPATH of its own for govmomi itself, Debian's /usr/share/gocode for its dependencies.
  mkdir -p "$work/gopath/src/github.com/vmware"
  mv "$work/$src" "$work/gopath/src/github.com/vmware/govmomi"
  (cd "$work/gopath/src/github.com/vmware/govmomi/vcsim" &&
    GO111MODULE=off GOPROXY=off GOPATH="$work/gopath:/usr/share/gocode" \
      GOCACHE="$work/gocache" go build -o "$work/vcsim" . >&2)
  install -m755 "$work/vcsim" "$binary.tmp"
  mv "$binary.tmp" "$binary"
fi
flock -u 9
echo "$binary"
