# Helpers for the package tests (sourced after lib.sh). packages_build.sh builds the packages once
# into $SAHAB_PACKAGES_DIR (ctest fixture sahab_packages); the other tests use them from there.
PACKAGES="${SAHAB_PACKAGES_DIR:?SAHAB_PACKAGES_DIR not set (run through ctest)}"
BUILD_DIR="$(dirname "$BIN_DIR")"

# package_file GLOB: the one package in $PACKAGES matching GLOB.
package_file() {
  local matches=("$PACKAGES"/$1)
  [[ ${#matches[@]} -eq 1 && -f "${matches[0]}" ]] || fail "expected one package $1 in $PACKAGES (run packages_build first)"
  echo "${matches[0]}"
}
DEB_ARCH="$(dpkg --print-architecture)"
AGENT_DEB_GLOB="sahab-agent_*_$DEB_ARCH.deb"
AGENT_RPM_GLOB="sahab-agent-*.$(uname -m).rpm"
COLLECTOR_DEB_GLOB="sahab-collector_*_$DEB_ARCH.deb"
UPGRADE_DIR="$PACKAGES/upgrade"
