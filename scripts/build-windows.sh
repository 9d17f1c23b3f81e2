#!/usr/bin/env bash
# Builds build/windows/bin/sahab-agent.exe (x86-64, statically linked) with Debian's mingw-w64,
# and build/windows/sahab-agent-VERSION-x64.msi with wixl.
# The libraries the agent links are cross-built from their Debian source packages, fetched
# through a private sources list (the system's apt setup is not touched) and cached outside the
# clone in $SAHAB_WINDOWS_DEPS (default /var/cache/sahab-windows-deps), one prefix per package
# version: a warm cache rebuilds nothing.
# Usage: build-windows.sh [BUILD_DIR]   (default build/windows)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/windows}"
cache="${SAHAB_WINDOWS_DEPS:-/var/cache/sahab-windows-deps}"
jobs="${JOBS:-$(nproc)}"
host=x86_64-w64-mingw32
toolchain="$root/cmake/mingw-w64.cmake"

for tool in "$host-g++-posix" wixl; do
  command -v "$tool" >/dev/null ||
    { echo "build-windows: $tool missing (./scripts/install-deps.sh windows)" >&2; exit 1; }
done

# --- Debian sources through a private list -------------------------------------------------------
source "$(dirname "$0")/debian_sources.sh"
debian_sources_in "$cache"

# Unpacks the Debian source package PKG (orig tarball + Debian patches) into $2.
unpack_source() {
  local pkg="$1" dir="$2" work
  work="$(mktemp -d "$cache/src.XXXXXX")"
  (cd "$work" && apt-get "${apt_opts[@]}" source -qq "$pkg" >/dev/null) || { rm -rf "$work"; return 1; }
  rm -rf "$dir"
  mv "$work/$(cd "$work" && find . -mindepth 1 -maxdepth 1 -type d | head -1)" "$dir"
  rm -rf "$work"
}

cmake_cross() {  # cmake_cross SRC BUILD PREFIX [ARGS...]
  local src="$1" bdir="$2" prefix="$3"
  shift 3
  cmake -S "$src" -B "$bdir" -G "Unix Makefiles" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF \
    -DSAHAB_WINDOWS_DEPS_PREFIX="$prefix" "$@" >"$bdir.log" 2>&1 || { tail -30 "$bdir.log"; return 1; }
  cmake --build "$bdir" -j "$jobs" >>"$bdir.log" 2>&1 || { tail -30 "$bdir.log"; return 1; }
  cmake --install "$bdir" >>"$bdir.log" 2>&1
}

build_zlib() {  # Debian's zlib source lacks win32/: the library's C files, compiled as they are
  local src="$1" prefix="$2" objects=() file
  for file in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback inffast inflate \
    inftrees trees uncompr zutil; do
    "$host-gcc-posix" -O2 -c "$src/$file.c" -o "$src/$file.o"
    objects+=("$src/$file.o")
  done
  "$host-ar" rcs "$src/libz.a" "${objects[@]}"
  install -D -m644 "$src/libz.a" "$prefix/lib/libz.a"
  install -D -m644 -t "$prefix/include" "$src/zlib.h" "$src/zconf.h"
}

build_nlohmann_json3() {
  cmake_cross "$1" "$1/sahab-build" "$2" -DJSON_BuildTests=OFF -DJSON_Install=ON
}

build_civetweb() {  # no TLS (the agent terminates none), C API only
  cmake_cross "$1" "$1/sahab-build" "$2" -DCIVETWEB_ENABLE_SSL=OFF -DCIVETWEB_BUILD_TESTING=OFF \
    -DCIVETWEB_ENABLE_SERVER_EXECUTABLE=OFF -DCIVETWEB_ENABLE_CXX=OFF \
    -DCIVETWEB_ENABLE_ASAN=OFF -DCIVETWEB_ENABLE_IPV6=OFF
}

build_prometheus_cpp() {  # core only: the agent serves /metrics through its own server
  cmake_cross "$1" "$1/sahab-build" "$2" -DENABLE_PULL=OFF -DENABLE_PUSH=OFF -DENABLE_COMPRESSION=OFF \
    -DENABLE_TESTING=OFF -DUSE_THIRDPARTY_LIBRARIES=OFF -DGENERATE_PKGCONFIG=OFF
}

build_mbedtls() {  # the push client's TLS, as on Linux (docs/windows-agent.md says why not Schannel)
  cmake_cross "$1" "$1/sahab-build" "$2" -DENABLE_PROGRAMS=OFF -DENABLE_TESTING=OFF \
    -DUSE_STATIC_MBEDTLS_LIBRARY=ON -DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DMBEDTLS_FATAL_WARNINGS=OFF
}

build_yaml_cpp() {  # agent.yaml, read by the same settings code as on Linux
  cmake_cross "$1" "$1/sahab-build" "$2" -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF \
    -DYAML_CPP_BUILD_CONTRIB=OFF -DYAML_BUILD_SHARED_LIBS=OFF
}

build_boost1_81() {  # Boost.Program_options alone (the flags); b2 does not bootstrap from Debian's
  # tarball, Boost's own CMake build does
  cmake_cross "$1" "$1/sahab-build" "$2" -DBOOST_INCLUDE_LIBRARIES=program_options -DBUILD_TESTING=OFF
}

# Every dependency lands in one prefix per set of versions; each package keeps a stamp there.
# One build at a time per cache (a test and `make windows` may run together).
packages=(zlib nlohmann-json3 civetweb prometheus-cpp mbedtls yaml-cpp boost1.81)
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
[[ -f "$apt_dir/sources.list" ]] || refresh_sources
key=""
for pkg in "${packages[@]}"; do
  version="$(source_version "$pkg")"
  if [[ -z "$version" ]]; then refresh_sources; version="$(source_version "$pkg")"; fi
  [[ -n "$version" ]] || { echo "build-windows: no Debian source for $pkg" >&2; exit 1; }
  key+="${pkg}_${version}+"
done
prefix="$cache/prefix-$(echo "$key" | sha256sum | cut -c1-16)"
mkdir -p "$prefix"
for pkg in "${packages[@]}"; do
  version="$(source_version "$pkg")"
  stamp="$prefix/.built-${pkg}_${version}"
  [[ -f "$stamp" ]] && continue
  echo "build-windows: cross-building $pkg $version from its Debian source"
  src="$cache/src-${pkg}"
  if ! unpack_source "$pkg" "$src"; then
    # Lists kept from an earlier run may name a version the mirror no longer has: refresh them
    # and start again once (the versions, hence the prefix, may change).
    [[ -z "${SAHAB_WINDOWS_DEPS_RETRY:-}" ]] || { echo "build-windows: apt-get source $pkg failed" >&2; exit 1; }
    refresh_sources
    flock -u 9
    SAHAB_WINDOWS_DEPS_RETRY=1 exec "$0" "$@"
  fi
  builder="build_${pkg//-/_}"
  "${builder//./_}" "$src" "$prefix"
  rm -rf "$src"
  touch "$stamp"
done

flock -u 9

# --- the agent -------------------------------------------------------------------------------------
cmake -S "$root" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
  -DSAHAB_WINDOWS_DEPS_PREFIX="$prefix" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" >/dev/null
cmake --build "$build" -j "$jobs" --target sahab-agent
echo "build-windows: $build/bin/sahab-agent.exe"

# --- the MSI (wixl, Debian msitools): packaging/windows/sahab-agent.wxs -------------------------
version="$(sed -nE 's/^project\(sahab VERSION ([0-9.]+).*/\1/p' "$root/CMakeLists.txt")"
build="$(cd "$build" && pwd)"
msi="$build/sahab-agent-$version-x64.msi"
# wixl finds sources relative to the working directory only (an absolute Source is refused).
(cd "$build/bin" && wixl -a x64 -D "Version=$version" -D AgentExe=sahab-agent.exe -o "$msi" \
  "$root/packaging/windows/sahab-agent.wxs")
echo "build-windows: $msi"
