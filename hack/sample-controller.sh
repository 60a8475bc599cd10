#!/usr/bin/env bash
# hack/sample-controller.sh — client-go's sample-controller, the reference the bench's peer
# scenario compares the operator's memory per object with.
#
# Usage: hack/sample-controller.sh [ensure|path|crd]
#   ensure  (default) build/cache the binary once per machine; a no-op when cached
#   path    print the binary's path and exit 0 if it is there, else exit 1
#   crd     print the path of its CRD (samplecontroller.k8s.io Foo) beside the binary
#
# How: built from the same Debian bookworm `kubernetes` 1.20.2 source package as
# hack/control-plane.sh (its steps are sourced from there: the tarball kept in the cache's src/
# is reused, else downloaded the same way), with the same vendored reflect2 swap, by
# `make WHAT=vendor/k8s.io/sample-controller` with Debian's golang-go, offline (vendored sources).
#
# Cache: beside kube-apiserver, ${CT_CONTROL_PLANE_CACHE:-~/.cache/cloudtemple-operator/control-plane}/1.20.2/bin/
#   sample-controller, sample-controller-crd.yaml, SAMPLE-CONTROLLER (stamp).
# Noisy output goes to sample-controller.log in the version's cache dir.
set -Eeuo pipefail

# shellcheck source=hack/control-plane.sh
source "$(dirname "${BASH_SOURCE[0]}")/control-plane.sh"

BUILD_DIR="$VER_DIR/build-sample-controller"
LOG="$VER_DIR/sample-controller.log"
SC_BIN="$BIN_DIR/sample-controller"
SC_CRD="$BIN_DIR/sample-controller-crd.yaml"
SC_STAMP="$BIN_DIR/SAMPLE-CONTROLLER"

say() { echo "[sample-controller] $*"; }

sc_present() { [[ -x "$SC_BIN" && -f "$SC_CRD" && -f "$SC_STAMP" ]] && grep -qx "kubernetes=$K8S_VERSION" "$SC_STAMP"; }

build_sample_controller() {
  make_what vendor/k8s.io/sample-controller
  [[ -x "$TREE/_output/bin/sample-controller" ]] || die "build finished without _output/bin/sample-controller"
}

install_sample_controller() {
  local examples="$TREE/staging/src/k8s.io/sample-controller/artifacts/examples"
  [[ -f "$examples/crd.yaml" ]] || die "$examples/crd.yaml not found"
  mkdir -p "$BIN_DIR"
  rm -f "$SC_STAMP"
  cp "$examples/crd.yaml" "$SC_CRD"
  cp -L "$TREE/_output/bin/sample-controller" "$SC_BIN.tmp"
  chmod 0755 "$SC_BIN.tmp"
  mv -f "$SC_BIN.tmp" "$SC_BIN"
  {
    echo "kubernetes=$K8S_VERSION"
    echo "go=$(go env GOVERSION)"
    echo "reflect2=debian-golang-github-modern-go-reflect2-dev"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$SC_STAMP"
  rm -rf "$BUILD_DIR"
}

sc_ensure() {
  mkdir -p "$VER_DIR"
  # The same lock as control-plane.sh: both use the downloaded source.
  exec 9>"$VER_DIR/.lock"
  flock -w 7200 9 || die "timed out waiting for another build (lock $VER_DIR/.lock)"
  if sc_present; then
    say "cached: $SC_BIN"
    return 0
  fi
  : >"$LOG"
  trap on_err ERR
  IN_STEPS=1
  STEP_TOTAL=5
  step 1 "checking prerequisites (Debian packages)"; ensure_prerequisites
  step 2 "downloading kubernetes source package (kept in $SRC_DIR)"; download_source
  step 3 "unpacking source"; unpack_source
  step 4 "replacing vendored reflect2 with Debian's v1.0.2"; replace_reflect2
  step 5 "building sample-controller (make WHAT=vendor/k8s.io/sample-controller, a few minutes)"; build_sample_controller
  install_sample_controller
  trap - ERR
  say "done: $SC_BIN"
}

sc_main() {
  case "${1:-ensure}" in
    ensure) sc_ensure ;;
    path) sc_present && echo "$SC_BIN" ;;
    crd) sc_present && echo "$SC_CRD" ;;
    -h|--help|help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) echo "usage: $0 [ensure|path|crd]" >&2; exit 2 ;;
  esac
}

sc_main "$@"
