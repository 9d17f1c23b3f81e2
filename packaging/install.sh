#!/bin/sh
# Installs the Sahab agent on this server and enrols it with the collector that served this script.
#
#   curl -fsSL https://COLLECTOR/install.sh | sudo sh -s -- --token TOKEN [--ca-file CA.pem]
#
# Options:
#   --token TOKEN       the collector's enrolment token (required)
#   --ca-file FILE      PEM CA bundle of the collector's certificate (else the system trust store)
#   --collector URL     the collector's URL (default: the one that served this script)
#   --proxy URL         HTTP(S) proxy to reach the collector (default: https_proxy / http_proxy)
#
# It checks the token with the collector first, detects the distribution (/etc/os-release),
# downloads and installs the matching sahab-agent package (.deb or .rpm) from the collector,
# writes /etc/sahab/agent.env (collector URL, CA, proxy), /etc/sahab/ca.pem and
# /etc/sahab/enrolment-token (0600, owned by the agent's user), then enables and (re)starts
# sahab-agent. A second run with the same package and settings changes nothing and says so.
# Exit codes: 0 done, 2 bad usage, 3 collector unreachable, 4 token refused, 1 anything else.
#
# SAHAB_INSTALL_ROOT=DIR prefixes every path the script reads or writes (tests use a fake root).
set -eu

COLLECTOR_URL='@SAHAB_COLLECTOR_URL@'
ROOT="${SAHAB_INSTALL_ROOT:-}"
AGENT_USER=sahab
SAHAB_ETC=/etc/sahab
TOKEN_FILE="$SAHAB_ETC/enrolment-token"
CA_TARGET="$SAHAB_ETC/ca.pem"
ENV_FILE="$SAHAB_ETC/agent.env"

token=""
ca_file=""
proxy=""
changes=0

say() { printf 'sahab-install: %s\n' "$*"; }
die() {
  printf 'sahab-install: error: %s\n' "$2" >&2
  exit "$1"
}

usage() {
  echo "usage: install.sh --token TOKEN [--ca-file FILE] [--collector URL] [--proxy URL]"
}

parse_arguments() {
  while [ $# -gt 0 ]; do
    case "$1" in
    --token) [ $# -ge 2 ] || die 2 "--token needs a value"; token="$2"; shift 2 ;;
    --token=*) token="${1#*=}"; shift ;;
    --ca-file) [ $# -ge 2 ] || die 2 "--ca-file needs a value"; ca_file="$2"; shift 2 ;;
    --ca-file=*) ca_file="${1#*=}"; shift ;;
    --collector) [ $# -ge 2 ] || die 2 "--collector needs a value"; COLLECTOR_URL="$2"; shift 2 ;;
    --collector=*) COLLECTOR_URL="${1#*=}"; shift ;;
    --proxy) [ $# -ge 2 ] || die 2 "--proxy needs a value"; proxy="$2"; shift 2 ;;
    --proxy=*) proxy="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die 2 "unknown option '$1' (see --help)" ;;
    esac
  done
}

# Only characters that need no quoting anywhere they go (curl config, agent.env, messages).
check_value() {
  case "$2" in
  *[!A-Za-z0-9._~:/@%+=,\[\]-]*) die 2 "$1 contains characters that are not allowed: '$2'" ;;
  esac
}

check_arguments() {
  [ -n "$token" ] || die 2 "--token TOKEN is required: the collector's enrolment token"
  check_value "the token" "$token"
  case "$COLLECTOR_URL" in
  http://* | https://*) COLLECTOR_URL="${COLLECTOR_URL%/}" ;;
  *) die 2 "no collector URL: pass --collector https://your-collector" ;;
  esac
  check_value "the collector URL" "$COLLECTOR_URL"
  if [ -z "$proxy" ]; then
    case "$COLLECTOR_URL" in
    https://*) proxy="${https_proxy:-${HTTPS_PROXY:-}}" ;;
    *) proxy="${http_proxy:-}" ;;
    esac
  fi
  [ -z "$proxy" ] || check_value "the proxy URL" "$proxy"
  if [ -n "$ca_file" ]; then
    [ -r "$ca_file" ] || die 2 "cannot read the CA file $ca_file"
    grep -q 'BEGIN CERTIFICATE' "$ca_file" || die 2 "$ca_file holds no PEM certificate"
  fi
  if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
    die 2 "run as root (sudo sh -s -- ...): packages and services need it"
  fi
  command -v curl >/dev/null 2>&1 || die 1 "curl is required"
}

# fetch [CURL ARGS...] PATH: curl against the collector with the CA and proxy; stdout is the body.
fetch() {
  if [ -n "$ca_file" ]; then set -- --cacert "$ca_file" "$@"; fi
  if [ -n "$proxy" ]; then set -- --proxy "$proxy" "$@"; fi
  curl -sS --connect-timeout 10 --max-time 300 "$@"
}

# The token goes to curl on stdin (a config line), never on a command line others can read.
check_token() {
  status="$(printf 'header = "Authorization: Bearer %s"\n' "$token" |
    fetch -K - -o /dev/null -w '%{http_code}' -X POST "$COLLECTOR_URL/api/v1/enrol/check" 2>/dev/null)" ||
    status="000"
  case "$status" in
  200) say "the collector at $COLLECTOR_URL accepts the enrolment token" ;;
  401) die 4 "the collector at $COLLECTOR_URL refused the enrolment token: nothing installed" ;;
  403) die 4 "enrolment is disabled on the collector at $COLLECTOR_URL: nothing installed" ;;
  000) die 3 "cannot reach the collector at $COLLECTOR_URL (network, proxy or CA file?): nothing installed" ;;
  *) die 3 "unexpected HTTP $status from $COLLECTOR_URL/api/v1/enrol/check: nothing installed" ;;
  esac
}

os_release_field() {
  sed -n "s/^$1=//p" "$ROOT/etc/os-release" | tr -d '"' | head -n 1
}

# Sets FAMILY (deb or rpm) from ID and ID_LIKE.
detect_distribution() {
  [ -r "$ROOT/etc/os-release" ] || die 1 "no /etc/os-release: cannot tell the distribution"
  distro="$(os_release_field ID)"
  pretty="$(os_release_field PRETTY_NAME)"
  FAMILY=""
  for id in $distro $(os_release_field ID_LIKE); do
    case "$id" in
    debian | ubuntu) FAMILY=deb; break ;;
    rhel | centos | rocky | almalinux | fedora | ol | opensuse* | sles | suse) FAMILY=rpm; break ;;
    esac
  done
  [ -n "$FAMILY" ] || die 1 "unsupported distribution '${pretty:-$distro}': install a package by hand (docs/install.md)"
  say "distribution: ${pretty:-$distro} ($FAMILY packages)"
}

# Sets PACKAGE_FILE and PACKAGE_VERSION: the newest agent package for this architecture.
choose_package() {
  if [ "$FAMILY" = deb ]; then
    arch="$(dpkg --print-architecture)"
    pattern="^sahab-agent_[^_]*_${arch}\.deb\$"
  else
    arch="$(uname -m)"
    pattern="^sahab-agent-.*\.${arch}\.rpm\$"
  fi
  listing="$(fetch -f "$COLLECTOR_URL/downloads/")" || die 3 "cannot list $COLLECTOR_URL/downloads/"
  PACKAGE_FILE="$(printf '%s\n' "$listing" | grep -E "$pattern" | sort -V | tail -n 1)" || true
  [ -n "$PACKAGE_FILE" ] || die 1 "the collector offers no sahab-agent package for $FAMILY/$arch"
  if [ "$FAMILY" = deb ]; then
    PACKAGE_VERSION="$(printf '%s' "$PACKAGE_FILE" | cut -d_ -f2)"
  else
    PACKAGE_VERSION="$(printf '%s' "$PACKAGE_FILE" | sed "s/^sahab-agent-//; s/\.${arch}\.rpm\$//")"
  fi
}

installed_version() {
  if [ "$FAMILY" = deb ]; then
    dpkg-query -W -f='${Status} ${Version}\n' sahab-agent 2>/dev/null |
      sed -n 's/^install ok installed //p'
  else
    rpm -q --qf '%{VERSION}-%{RELEASE}\n' sahab-agent 2>/dev/null | grep -v 'not installed' || true
  fi
}

install_package() {
  current="$(installed_version)"
  if [ "$current" = "$PACKAGE_VERSION" ]; then
    say "sahab-agent $current is already installed: package unchanged"
    return
  fi
  workdir="$(mktemp -d)"
  trap 'rm -rf "$workdir"' EXIT
  fetch -f -o "$workdir/$PACKAGE_FILE" "$COLLECTOR_URL/downloads/$PACKAGE_FILE" ||
    die 3 "cannot download $COLLECTOR_URL/downloads/$PACKAGE_FILE"
  say "downloaded $PACKAGE_FILE"
  if [ "$FAMILY" = deb ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold \
      "$workdir/$PACKAGE_FILE" || die 1 "apt-get could not install $PACKAGE_FILE"
  elif command -v dnf >/dev/null 2>&1; then
    dnf install -y -q "$workdir/$PACKAGE_FILE" || die 1 "dnf could not install $PACKAGE_FILE"
  elif command -v zypper >/dev/null 2>&1; then
    zypper --non-interactive install --allow-unsigned-rpm "$workdir/$PACKAGE_FILE" ||
      die 1 "zypper could not install $PACKAGE_FILE"
  else
    yum install -y -q "$workdir/$PACKAGE_FILE" || die 1 "yum could not install $PACKAGE_FILE"
  fi
  say "installed sahab-agent $PACKAGE_VERSION${current:+ (was $current)}"
  changes=$((changes + 1))
}

# put MODE OWNER TARGET: writes stdin to $ROOT/TARGET unless it already holds exactly that;
# counts a change.
put() {
  mode="$1" owner="$2" target="$ROOT$3"
  mkdir -p "$(dirname "$target")"
  (umask 077 && cat >"$target.new")
  if [ -f "$target" ] && cmp -s "$target" "$target.new"; then
    rm -f "$target.new"
    say "$3 unchanged"
    return
  fi
  chmod "$mode" "$target.new"
  chown "$owner" "$target.new"
  mv -f "$target.new" "$target"
  say "wrote $3 (mode $mode, owner $owner)"
  changes=$((changes + 1))
}

write_configuration() {
  args="--collector.url $COLLECTOR_URL --enrolment-token-file $TOKEN_FILE"
  if [ -n "$ca_file" ]; then
    put 0644 root:root "$CA_TARGET" <"$ca_file"
    args="$args --collector.ca-file $CA_TARGET"
  fi
  if [ -n "$proxy" ]; then args="$args --collector.proxy $proxy"; fi
  # Here-documents, not pipes: put must run in this shell to count its changes.
  put 0600 "$AGENT_USER:$AGENT_USER" "$TOKEN_FILE" <<EOF
$token
EOF
  put 0644 root:root "$ENV_FILE" <<EOF
# Written by the Sahab install script. Flags here override /etc/sahab/agent.yaml.
SAHAB_AGENT_ARGS="$args"
EOF
}

start_service() {
  if [ ! -d "$ROOT/run/systemd/system" ]; then
    say "systemd is not running here: start the agent yourself, e.g."
    say "  runuser -u $AGENT_USER -- /usr/bin/sahab-agent --config /etc/sahab/agent.yaml $args"
    return
  fi
  systemctl enable --quiet sahab-agent.service || die 1 "systemctl enable sahab-agent failed"
  if [ "$changes" -gt 0 ] || ! systemctl is-active --quiet sahab-agent.service; then
    systemctl restart sahab-agent.service || die 1 "sahab-agent did not start: journalctl -u sahab-agent"
    say "sahab-agent enabled and (re)started"
  else
    say "sahab-agent enabled and already running"
  fi
}

main() {
  parse_arguments "$@"
  check_arguments
  check_token
  detect_distribution
  choose_package
  install_package
  write_configuration
  start_service
  if [ "$changes" -eq 0 ]; then
    say "nothing changed: sahab-agent $PACKAGE_VERSION already installed and configured for $COLLECTOR_URL"
  else
    say "done: sahab-agent $PACKAGE_VERSION reports to $COLLECTOR_URL (enrolment on its first report)"
  fi
}

main "$@"
