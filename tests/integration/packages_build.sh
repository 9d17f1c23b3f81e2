#!/usr/bin/env bash
# Builds the packages with cpack, once for every package test (ctest fixture sahab_packages):
# sahab-agent .deb and .rpm, sahab-collector .deb, and an agent .deb with a higher version for the
# upgrade test. Then inspects them: files, owners, modes, conffiles, maintainer scripts,
# dependencies (dpkg-deb, rpm -qp), lintian errors, and that each lintian warning is explained in
# docs/install.md. A tampered package proves the inspection can fail.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/packages_lib.sh"
for tool in cpack dpkg-deb dpkg-shlibdeps rpmbuild rpm lintian shellcheck; do
  command -v "$tool" >/dev/null || fail "$tool not installed (scripts/packages/test.txt)"
done

rm -rf "$PACKAGES" && mkdir -p "$PACKAGES" "$UPGRADE_DIR"
# cpack_into DIR [ARGS...]: packages of the build tree into DIR (cpack's staging stays in $WORK).
cpack_into() {
  local dir="$1"; shift
  (cd "$WORK" && cpack --config "$BUILD_DIR/CPackConfig.cmake" -B "$WORK/cpack" "$@") >>"$WORK/cpack.log" 2>&1 \
    || fail "cpack $*: $(tail -n 20 "$WORK/cpack.log")"
  mv "$WORK"/cpack/*.deb "$dir"/
  if compgen -G "$WORK/cpack/*.rpm" >/dev/null; then mv "$WORK"/cpack/*.rpm "$dir"/; fi
  rm -rf "$WORK/cpack"
}
started=$SECONDS
cpack_into "$PACKAGES"
agent_deb="$(package_file "$AGENT_DEB_GLOB")"
collector_deb="$(package_file "$COLLECTOR_DEB_GLOB")"
agent_rpm="$(package_file "$AGENT_RPM_GLOB")"
[[ ! -e "$(echo "$PACKAGES"/sahab-collector*.rpm)" ]] || fail "a collector rpm was built (Debian only)"
version="$(dpkg-deb -f "$agent_deb" Version)"
cpack_into "$UPGRADE_DIR" -G DEB -D "CPACK_PACKAGE_VERSION=$version+1" -D CPACK_COMPONENTS_ALL=agent
[[ -f "$UPGRADE_DIR/sahab-agent_${version}+1_$DEB_ARCH.deb" ]] || fail "no upgrade package: $(ls "$UPGRADE_DIR")"
pass "cpack built $(cd "$PACKAGES" && ls *.deb *.rpm | tr '\n' ' ')and an upgrade $version+1 in $((SECONDS - started)) s"

# check_deb DEB CONFFILES FILE:MODE...: the package holds exactly these files with these modes,
# all owned by root, its conffiles are CONFFILES (space separated) and its scripts are sound.
check_deb() {
  local deb="$1" conffiles="$2"; shift 2
  local listing control="$WORK/control-$(basename "$deb")"
  listing="$(dpkg-deb -c "$deb")" || { echo "cannot list $deb"; return 1; }
  local owners
  owners="$(awk '$2 != "root/root" { print $6 " " $2 }' <<<"$listing")"
  [[ -z "$owners" ]] || { echo "files not owned by root/root: $owners"; return 1; }
  local writable
  writable="$(awk 'substr($1, 9, 1) == "w" { print $6 }' <<<"$listing")"
  [[ -z "$writable" ]] || { echo "world-writable: $writable"; return 1; }
  local expected
  for expected in "$@"; do
    local path="${expected%%:*}" mode="${expected#*:}"
    awk -v p=".$path" -v m="$mode" '$6 == p && $1 == m { found = 1 } END { exit !found }' <<<"$listing" \
      || { echo "missing $path with mode $mode"; return 1; }
  done
  rm -rf "$control" && dpkg-deb -e "$deb" "$control"
  [[ "$(sort "$control/conffiles" | tr '\n' ' ')" == "$(tr ' ' '\n' <<<"$conffiles" | sort | tr '\n' ' ')" ]] \
    || { echo "conffiles: $(cat "$control/conffiles")"; return 1; }
  local script
  for script in postinst prerm postrm; do
    [[ -x "$control/$script" ]] || { echo "no executable $script"; return 1; }
    shellcheck -s sh "$control/$script" || { echo "$script: shellcheck"; return 1; }
    grep -q '/run/systemd/system' "$control/$script" || { echo "$script does not check for systemd"; return 1; }
  done
}
agent_files=(/usr/bin/sahab-agent:-rwxr-xr-x /etc/sahab/agent.yaml:-rw-r--r--
  /usr/lib/systemd/system/sahab-agent.service:-rw-r--r-- /usr/lib/sysusers.d/sahab-agent.conf:-rw-r--r--
  /usr/share/doc/sahab-agent/copyright:-rw-r--r-- /usr/share/doc/sahab-agent/examples/agent.yaml:-rw-r--r--)
check_deb "$agent_deb" /etc/sahab/agent.yaml "${agent_files[@]}" || fail "sahab-agent .deb"
catalogues="$(cd "$SAHAB_SOURCE_DIR/configs/catalogs" && ls *.yaml | sed 's|^|/etc/sahab/catalogs/|' | tr '\n' ' ')"
check_deb "$collector_deb" "/etc/sahab/collector.yaml /etc/sahab/planner.yaml ${catalogues% }" \
  /usr/bin/sahab-collector:-rwxr-xr-x /usr/bin/sahab-planner:-rwxr-xr-x /etc/sahab/collector.yaml:-rw-r--r-- \
  /etc/sahab/planner.yaml:-rw-r--r-- /usr/lib/systemd/system/sahab-collector.service:-rw-r--r-- \
  /usr/lib/sysusers.d/sahab-collector.conf:-rw-r--r-- || fail "sahab-collector .deb"
grep -q 'systemd-sysusers sahab-agent.conf' "$WORK/control-$(basename "$agent_deb")/postinst" || fail "postinst creates no user"
grep -q 'rm -rf /var/lib/sahab-agent' "$WORK/control-$(basename "$agent_deb")/postrm" || fail "purge keeps the state"
pass "files, owners, modes, conffiles and maintainer scripts of both .deb"

# Runtime dependencies come from dpkg-shlibdeps: the libraries the binaries link.
depends="$(dpkg-deb -f "$agent_deb" Depends)"
for library in libmbedtls14 libmbedx509-1 libmbedcrypto7 libcivetweb zlib1g adduser; do
  grep -q "$library" <<<"$depends" || fail "sahab-agent Depends lacks $library: $depends"
done
# Linked statically into the agent (its resident memory, docs/benchmarks.md): no package needed;
# the C++ runtime too, and prometheus-cpp's library is not used at all (agent/CMakeLists.txt).
! grep -qE "libyaml-cpp|libboost-program-options|libstdc\+\+|libprometheus-cpp" <<<"$depends" ||
  fail "sahab-agent depends on a library it links statically: $depends"
# The agent loads no OpenSSL and no libcurl (issue 18: their resident cost).
! grep -qE "libssl|libcurl" <<<"$depends" || fail "sahab-agent depends on OpenSSL or libcurl again: $depends"
grep -q libsqlite3-0 <<<"$(dpkg-deb -f "$collector_deb" Depends)" || fail "sahab-collector does not depend on libsqlite3-0"
pass "Depends: $depends"

# lintian: no error; each warning is explained in docs/install.md.
lintian --no-tag-display-limit "$agent_deb" "$collector_deb" >"$WORK/lintian.txt" 2>&1 || true
! grep '^E:' "$WORK/lintian.txt" || fail "lintian errors"
undocumented=()
for tag in $(sed -nE 's/^W: [^:]+: ([a-z0-9-]+).*/\1/p' "$WORK/lintian.txt" | sort -u); do
  grep -qF "\`$tag\`" "$SAHAB_SOURCE_DIR/docs/install.md" || undocumented+=("$tag")
done
[[ ${#undocumented[@]} -eq 0 ]] || fail "lintian warnings not explained in docs/install.md: ${undocumented[*]}"
pass "lintian: no error, $(grep -c '^W:' "$WORK/lintian.txt" || true) warnings, each explained in docs/install.md"

# The RPM: files, the config file, requirements and scriptlets.
rpm_files="$(rpm -qplv "$agent_rpm" 2>/dev/null)"
for path in /usr/bin/sahab-agent /etc/sahab/agent.yaml /usr/lib/systemd/system/sahab-agent.service \
    /usr/lib/sysusers.d/sahab-agent.conf; do
  grep -qE " $path\$" <<<"$rpm_files" || fail "rpm lacks $path"
done
grep -qE '^-rwxr-xr-x .* root +root .* /usr/bin/sahab-agent$' <<<"$rpm_files" || fail "rpm binary mode/owner"
[[ "$(rpm -qpc "$agent_rpm" 2>/dev/null)" == /etc/sahab/agent.yaml ]] || fail "rpm config files: $(rpm -qpc "$agent_rpm")"
requires="$(rpm -qpR "$agent_rpm" 2>/dev/null)"
for requirement in 'libmbedtls.so.14' 'libcivetweb.so' '/usr/sbin/useradd'; do
  grep -q "$requirement" <<<"$requires" || fail "rpm Requires lacks $requirement"
done
! grep -qE 'libstdc\+\+|libprometheus-cpp' <<<"$requires" || fail "rpm requires a shared C++ library: $requires"
scripts="$(rpm -qp --scripts "$agent_rpm" 2>/dev/null)"
for snippet in 'preinstall scriptlet' 'useradd -r -g sahab' 'postinstall scriptlet' 'chown sahab:sahab' \
    'preuninstall scriptlet' 'disable --now sahab-agent.service' 'postuninstall scriptlet' 'try-restart'; do
  grep -qF -- "$snippet" <<<"$scripts" || fail "rpm scriptlets lack '$snippet'"
done
pass "rpm: files, %config(noreplace), Requires ($(wc -l <<<"$requires") entries), scriptlets"

# The collector's unit (the agent's has its own test, agent_systemd_unit): clean and hardened.
mkdir -p "$WORK/units"
sed "s|^ExecStart=/usr/bin/sahab-collector |ExecStart=$BIN_DIR/sahab-collector |" \
  "$SAHAB_SOURCE_DIR/configs/systemd/sahab-collector.service" >"$WORK/units/sahab-collector.service"
out="$(cd "$WORK/units" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify ./sahab-collector.service 2>&1)"
[[ -z "$out" ]] || fail "systemd-analyze verify sahab-collector.service: $out"
systemd-analyze security --offline=yes --threshold=20 "$WORK/units/sahab-collector.service" >"$WORK/security.txt" 2>&1 \
  || fail "collector unit exposure above 2.0: $(tail -n 1 "$WORK/security.txt")"
pass "sahab-collector.service: verify is silent, $(tail -n 1 "$WORK/security.txt" | sed 's/^.*: //')"

# A tampered package (a conffile forgotten, a world-writable file) must be caught.
dpkg-deb -R "$agent_deb" "$WORK/tampered"
: >"$WORK/tampered/DEBIAN/conffiles"
chmod o+w "$WORK/tampered/etc/sahab/agent.yaml"
dpkg-deb -b --root-owner-group "$WORK/tampered" "$WORK/tampered.deb" >/dev/null
if check_deb "$WORK/tampered.deb" /etc/sahab/agent.yaml "${agent_files[@]}" >/dev/null; then
  fail "the inspection accepted a tampered package"
fi
pass "a tampered package is caught"
echo "8 passed, 0 failed"
