#!/usr/bin/env bash
# hack/control-plane.sh — provision a real Kubernetes control plane (kube-apiserver + etcd)
# for development and tests, on machines that have no cluster, container engine or kind.
#
# Usage: hack/control-plane.sh [ensure|path|clean|selftest]
#   ensure    (default) build/cache the binaries once per machine; a no-op when cached
#   path      print the bin directory and exit 0 if both binaries are there, else exit 1
#   clean     delete the cache directory
#   selftest  start etcd + kube-apiserver on free loopback ports, write a CRD and a
#             custom object with the machine's kubectl, then stop both
#
# How: kube-apiserver is built from Debian bookworm's `kubernetes` source package (1.20.2,
# Go dependencies vendored) with Debian's golang-go (Go 1.19); etcd is Debian's etcd-server.
# Why the reflect2 swap: the vendored github.com/modern-go/reflect2 v1.0.1 makes a Go 1.19
# build of the 1.20 API server crash (SIGSEGV in reflect2 map iteration) on the first
# custom-resource write. Replacing vendor/github.com/modern-go/reflect2 with Debian's
# golang-github-modern-go-reflect2-dev copy (v1.0.2) fixes it.
#
# Cache (outside the repo):
#   ${CT_CONTROL_PLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cloudtemple-operator/control-plane}/1.20.2/bin/
# Noisy output (apt, make) goes to control-plane.log in the version's cache dir.
set -Eeuo pipefail

K8S_VERSION=1.20.2
CACHE_ROOT="${CT_CONTROL_PLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cloudtemple-operator/control-plane}"
VER_DIR="$CACHE_ROOT/$K8S_VERSION"
BIN_DIR="$VER_DIR/bin"
STAMP="$BIN_DIR/VERSION"
SRC_DIR="$VER_DIR/src"          # downloaded source package (kept: ~34 MB)
APT_DIR="$VER_DIR/apt"          # private apt config/lists for the deb-src download
BUILD_DIR="$VER_DIR/build"      # unpacked tree, GOPATH, GOCACHE (deleted after success)
LOG="$VER_DIR/control-plane.log"
REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2
REQUIRED_PKGS=(golang-go rsync make etcd-server golang-github-modern-go-reflect2-dev ca-certificates dpkg-dev)
APT_OPTS=(-o DPkg::Lock::Timeout=120 -o Acquire::Retries=3)

STEP_NUM=0
STEP_TOTAL=0
STEP_NAME="start"

IN_STEPS=""

say() { echo "[control-plane] $*"; }

fail_report() {
  if [[ -f "$LOG" ]]; then
    echo "[control-plane] ---- last 40 lines of $LOG ----" >&2
    tail -n 40 "$LOG" >&2 || true
    echo "[control-plane] ----" >&2
  fi
  echo "[control-plane] FAILED at step $STEP_NUM ($STEP_NAME): see $LOG" >&2
}

die() {
  echo "[control-plane] ERROR: $*" >&2
  if [[ -n "$IN_STEPS" && "$BASHPID" == "$$" ]]; then echo "$*" >>"$LOG"; trap - ERR; fail_report; fi
  exit 1
}

step() {
  STEP_NUM=$1; STEP_NAME=$2
  say "step $STEP_NUM/$STEP_TOTAL: $STEP_NAME"
}

on_err() {
  local rc=$?
  # In a subshell or command substitution: just leave; the parent's trap reports.
  [[ "$BASHPID" == "$$" ]] || exit "$rc"
  trap - ERR
  fail_report
  exit "$rc"
}

# Run a noisy command with its output appended to the log, never reading stdin.
logged() {
  echo "+ $*" >>"$LOG"
  "$@" >>"$LOG" 2>&1 </dev/null
}

# ---------------------------------------------------------------------------- checks

binaries_present() { [[ -x "$BIN_DIR/kube-apiserver" && -x "$BIN_DIR/etcd" ]]; }

binaries_runnable() {
  binaries_present || return 1
  [[ -f "$STAMP" ]] && grep -qx "kubernetes=$K8S_VERSION" "$STAMP" || return 1
  timeout 30 "$BIN_DIR/kube-apiserver" --version </dev/null >/dev/null 2>&1 || return 1
  timeout 30 "$BIN_DIR/etcd" --version </dev/null >/dev/null 2>&1 || return 1
}

pkg_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# apt-get as root, or through passwordless sudo; empty when neither is possible.
APT_GET=()
resolve_apt() {
  command -v apt-get >/dev/null 2>&1 || return 1
  if [[ $(id -u) -eq 0 ]]; then
    APT_GET=(apt-get)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true </dev/null >/dev/null 2>&1; then
    APT_GET=(sudo -n env DEBIAN_FRONTEND=noninteractive apt-get)
  else
    return 1
  fi
}

apt_install() {
  resolve_apt || die "missing Debian packages: $*; run as root (or with passwordless sudo) on Debian, or install them: apt-get install -y --no-install-recommends $*"
  logged env DEBIAN_FRONTEND=noninteractive timeout 1800 "${APT_GET[@]}" "${APT_OPTS[@]}" update
  logged env DEBIAN_FRONTEND=noninteractive timeout 3600 "${APT_GET[@]}" "${APT_OPTS[@]}" \
    install -y --no-install-recommends "$@"
}

# ---------------------------------------------------------------------------- ensure steps

ensure_prerequisites() {
  local missing=() p
  for p in "${REQUIRED_PKGS[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  if ! command -v kubectl >/dev/null 2>&1; then
    say "note: kubectl not on PATH; installing Debian's kubernetes-client as a fallback"
    missing+=(kubernetes-client)
  fi
  if ((${#missing[@]})); then
    say "installing missing Debian packages: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
  [[ -d "$REFLECT2_SRC" ]] || die "$REFLECT2_SRC not found (golang-github-modern-go-reflect2-dev)"
  command -v go >/dev/null 2>&1 || die "go not on PATH after installing golang-go"
  [[ -x /usr/bin/etcd ]] || die "/usr/bin/etcd not found after installing etcd-server"
}

# The first downloaded kubernetes_*.orig.tar.gz; fails when there is none. (No `| head` here or
# below: under pipefail a writer killed by SIGPIPE when head stops reading fails the script.)
source_tarball() {
  local found
  for found in "$SRC_DIR"/kubernetes_*.orig.tar.gz; do
    if [[ -e "$found" ]]; then
      echo "$found"
      return 0
    fi
  done
  return 1
}

download_source() {
  local have
  have=$(source_tarball || true)
  if [[ -n "$have" ]]; then
    if gzip -t "$have" 2>/dev/null; then
      say "source package already downloaded: $have"
      return 0
    fi
    say "discarding corrupt $have"
    rm -f "$SRC_DIR"/kubernetes_*
  fi
  # Private deb-src configuration: the machine's apt setup is left untouched.
  rm -rf "$APT_DIR"
  mkdir -p "$APT_DIR/sources.list.d" "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$SRC_DIR"
  [[ -f /etc/apt/sources.list.d/debian.sources ]] || die "/etc/apt/sources.list.d/debian.sources not found"
  sed -E 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' \
    /etc/apt/sources.list.d/debian.sources >"$APT_DIR/sources.list.d/debian-src.sources"
  grep -q '^Types: deb-src' "$APT_DIR/sources.list.d/debian-src.sources" || die "no 'Types: deb' entry to turn into deb-src"
  local private=(
    -o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
    -o Dir::Etc::SourceList=/dev/null
    -o "Dir::State::Lists=$APT_DIR/lists"
    -o "Dir::Cache=$APT_DIR/cache"
    -o APT::Sandbox::User=root
  )
  logged timeout 1800 apt-get "${APT_OPTS[@]}" "${private[@]}" update
  (cd "$SRC_DIR" && logged timeout 1800 apt-get "${APT_OPTS[@]}" "${private[@]}" source --download-only kubernetes)
  [[ -n "$(source_tarball || true)" ]] || die "apt-get source gave no kubernetes_*.orig.tar.gz in $SRC_DIR"
  rm -rf "$APT_DIR"
}

TREE=""
unpack_source() {
  rm -rf "$BUILD_DIR"
  mkdir -p "$BUILD_DIR/src"
  logged tar -xzf "$(source_tarball)" -C "$BUILD_DIR/src"
  # The top directory is whichever one holds cmd/kube-apiserver and a Makefile.
  local d
  d=$(find "$BUILD_DIR/src" -maxdepth 4 -type d -path '*/cmd/kube-apiserver' -print -quit)
  [[ -n "$d" ]] || die "cmd/kube-apiserver not found in the unpacked source"
  TREE=$(dirname "$(dirname "$d")")
  [[ -f "$TREE/Makefile" ]] || die "no Makefile in $TREE"
  echo "source tree: $TREE" >>"$LOG"
}

replace_reflect2() {
  local v="$TREE/vendor/github.com/modern-go/reflect2"
  [[ -d "$v" ]] || die "$v not found in the source tree"
  rm -rf "$v"
  cp -r "$REFLECT2_SRC" "$v"
}

# make WHAT=$1 in the unpacked tree, offline, with the version hack/lib/version.sh would read from git.
make_what() {
  local goarch
  goarch=$(go env GOARCH)
  # No .git in the tarball: hand the version to hack/lib/version.sh through a version file.
  cat >"$BUILD_DIR/version.env" <<EOF
KUBE_GIT_COMMIT='faecb196815e248d3ecfb03c680a4507229c2a56'
KUBE_GIT_TREE_STATE='archive'
KUBE_GIT_VERSION='v$K8S_VERSION'
KUBE_GIT_MAJOR='${K8S_VERSION%%.*}'
KUBE_GIT_MINOR='$(cut -d. -f2 <<<"$K8S_VERSION")'
EOF
  (
    cd "$TREE"
    unset GOFLAGS GOBIN
    export GOPATH="$BUILD_DIR/gopath" GOCACHE="$BUILD_DIR/gocache" GOPROXY=off GOTOOLCHAIN=local
    export KUBE_GIT_VERSION_FILE="$BUILD_DIR/version.env"
    export KUBE_BUILD_PLATFORMS="linux/$goarch"
    logged go version
    logged timeout 5400 make WHAT="$1"
  )
}

build_apiserver() {
  make_what cmd/kube-apiserver
  [[ -x "$TREE/_output/bin/kube-apiserver" ]] || die "build finished without _output/bin/kube-apiserver"
}

install_binaries() {
  mkdir -p "$BIN_DIR"
  rm -f "$STAMP"
  cp -L "$TREE/_output/bin/kube-apiserver" "$BIN_DIR/kube-apiserver.tmp"
  cp -L /usr/bin/etcd "$BIN_DIR/etcd.tmp"
  chmod 0755 "$BIN_DIR/kube-apiserver.tmp" "$BIN_DIR/etcd.tmp"
  mv -f "$BIN_DIR/kube-apiserver.tmp" "$BIN_DIR/kube-apiserver"
  mv -f "$BIN_DIR/etcd.tmp" "$BIN_DIR/etcd"
}

verify_and_tidy() {
  local av ev
  av=$(timeout 30 "$BIN_DIR/kube-apiserver" --version </dev/null 2>&1)
  echo "kube-apiserver --version: $av" >>"$LOG"
  [[ "$av" == *"v$K8S_VERSION"* ]] || die "unexpected kube-apiserver version: $av"
  ev=$(timeout 30 "$BIN_DIR/etcd" --version </dev/null 2>&1)
  ev=${ev%%$'\n'*}
  echo "etcd --version: $ev" >>"$LOG"
  [[ "$ev" == *etcd* ]] || die "unexpected etcd version output: $ev"
  {
    echo "kubernetes=$K8S_VERSION"
    echo "etcd=$(awk '{print $NF}' <<<"$ev")"
    echo "go=$(go env GOVERSION)"
    echo "reflect2=debian-golang-github-modern-go-reflect2-dev"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$STAMP"
  rm -rf "$BUILD_DIR"
  say "kube-apiserver: $av"
  say "etcd: $ev"
}

cmd_ensure() {
  mkdir -p "$VER_DIR"
  # One build per machine even when several callers race.
  exec 9>"$VER_DIR/.lock"
  flock -w 7200 9 || die "timed out waiting for another control-plane.sh run (lock $VER_DIR/.lock)"
  if binaries_runnable; then
    if ! command -v kubectl >/dev/null 2>&1; then
      say "note: kubectl not on PATH; installing Debian's kubernetes-client as a fallback"
      apt_install kubernetes-client
    fi
    say "cached: $BIN_DIR (kube-apiserver v$K8S_VERSION, etcd)"
    return 0
  fi
  : >"$LOG"
  trap on_err ERR
  IN_STEPS=1
  STEP_TOTAL=7
  step 1 "checking prerequisites (Debian packages)"; ensure_prerequisites
  step 2 "downloading kubernetes source package"; download_source
  step 3 "unpacking source"; unpack_source
  step 4 "replacing vendored reflect2 with Debian's v1.0.2"; replace_reflect2
  step 5 "building kube-apiserver (make WHAT=cmd/kube-apiserver, several minutes)"; build_apiserver
  step 6 "installing binaries into $BIN_DIR"; install_binaries
  step 7 "verifying binaries and removing the build tree"; verify_and_tidy
  trap - ERR
  say "done: $BIN_DIR"
}

cmd_path() {
  binaries_present || return 1
  echo "$BIN_DIR"
}

cmd_clean() {
  say "removing $CACHE_ROOT"
  rm -rf "$CACHE_ROOT"
}

# ---------------------------------------------------------------------------- selftest

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Sets PORT to a free loopback port not handed out before in this run.
USED_PORTS=" "
PORT=""
free_port() {
  local i
  for i in $(seq 1 200); do
    PORT=$((20000 + RANDOM % 40000))
    if [[ "$USED_PORTS" != *" $PORT "* ]] && port_free "$PORT"; then
      USED_PORTS+="$PORT "
      return 0
    fi
  done
  die "no free loopback port found"
}

ST_DIR=""
ST_PIDS=()
selftest_cleanup() {
  local i pid
  # Newest first: the API server before etcd, so it can shut down cleanly.
  for ((i = ${#ST_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${ST_PIDS[i]}
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [[ -n "$ST_DIR" ]] && rm -rf "$ST_DIR"
  return 0
}

cmd_selftest() {
  binaries_present || die "binaries not found in $BIN_DIR; run: $0 ensure"
  command -v kubectl >/dev/null 2>&1 || die "kubectl not on PATH"
  command -v openssl >/dev/null 2>&1 || die "openssl not on PATH"
  command -v curl >/dev/null 2>&1 || die "curl not on PATH"
  ST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ct-control-plane.XXXXXX")
  LOG="$ST_DIR/selftest.log"
  : >"$LOG"
  trap selftest_cleanup EXIT
  trap on_err ERR
  IN_STEPS=1
  STEP_TOTAL=5

  step 1 "starting etcd on a free loopback port"
  local etcd_port peer_port api_port token=t0k3n
  free_port; etcd_port=$PORT
  free_port; peer_port=$PORT
  free_port; api_port=$PORT
  "$BIN_DIR/etcd" --name selftest --data-dir "$ST_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "selftest=http://127.0.0.1:$peer_port" \
    </dev/null >"$ST_DIR/etcd.log" 2>&1 &
  ST_PIDS+=($!); disown "$!"
  say "etcd pid ${ST_PIDS[0]} on 127.0.0.1:$etcd_port"

  step 2 "starting kube-apiserver on a free loopback port"
  openssl genrsa -out "$ST_DIR/sa.key" 2048 >>"$LOG" 2>&1
  echo "$token,admin,admin,system:masters" >"$ST_DIR/tokens.csv"
  mkdir -p "$ST_DIR/certs"
  local t0=$SECONDS
  "$BIN_DIR/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --secure-port "$api_port" --insecure-port 0 \
    --cert-dir "$ST_DIR/certs" \
    --token-auth-file "$ST_DIR/tokens.csv" \
    --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$ST_DIR/sa.key" \
    --service-account-signing-key-file "$ST_DIR/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 \
    </dev/null >"$ST_DIR/apiserver.log" 2>&1 &
  ST_PIDS+=($!); disown "$!"
  say "kube-apiserver pid ${ST_PIDS[1]} on https://127.0.0.1:$api_port"

  step 3 "waiting for /readyz (60 s deadline)"
  local ready=""
  while ((SECONDS - t0 < 60)); do
    if [[ "$(curl -ks -m 2 -H "Authorization: Bearer $token" "https://127.0.0.1:$api_port/readyz" 2>/dev/null || true)" == ok ]]; then
      ready=1; break
    fi
    kill -0 "${ST_PIDS[1]}" 2>/dev/null || break
    sleep 0.5
  done
  if [[ -z "$ready" ]]; then
    tail -n 40 "$ST_DIR/apiserver.log" >&2 || true
    tail -n 10 "$ST_DIR/etcd.log" >&2 || true
    false
  fi
  say "ready after $((SECONDS - t0)) s"

  step 4 "creating a CRD and a custom object, then patching it"
  printf 'apiVersion: v1\nkind: Config\n' >"$ST_DIR/kubeconfig"
  local k=(env KUBECONFIG="$ST_DIR/kubeconfig" kubectl --server "https://127.0.0.1:$api_port"
           --token "$token" --insecure-skip-tls-verify --cache-dir "$ST_DIR/kcache" --request-timeout 20s)
  cat >"$ST_DIR/crd.yaml" <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.selftest.cloudtemple.example
spec:
  group: selftest.cloudtemple.example
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      subresources: {status: {}}
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer, minimum: 1}
                labels: {type: object, additionalProperties: {type: string}}
            status:
              type: object
              properties:
                phase: {type: string}
EOF
  cat >"$ST_DIR/widget.yaml" <<'EOF'
apiVersion: selftest.cloudtemple.example/v1
kind: Widget
metadata: {name: w1, namespace: default}
spec:
  size: 1
  labels: {a: "1", b: "2"}
EOF
  logged "${k[@]}" apply -f "$ST_DIR/crd.yaml"
  logged "${k[@]}" wait --for=condition=Established --timeout=30s crd/widgets.selftest.cloudtemple.example
  # Discovery can trail the Established condition by a moment.
  local i
  for i in $(seq 1 20); do "${k[@]}" get widgets -A </dev/null >/dev/null 2>&1 && break; sleep 0.5; done
  logged "${k[@]}" apply --server-side -f "$ST_DIR/widget.yaml"
  logged "${k[@]}" -n default patch widget w1 --type merge -p '{"spec":{"size":3,"labels":{"c":"3"}}}'
  logged "${k[@]}" -n default patch widget w1 --subresource=status --type merge -p '{"status":{"phase":"Ready"}}'
  # Schema validation must refuse size 0.
  local refused
  if refused=$("${k[@]}" -n default patch widget w1 --type merge -p '{"spec":{"size":0}}' </dev/null 2>&1); then
    echo "schema validation did not refuse spec.size=0" >>"$LOG"; false
  fi
  echo "$refused" >>"$LOG"
  [[ "$refused" == *spec.size* ]] || { echo "spec.size=0 refused for another reason" >>"$LOG"; false; }

  step 5 "reading the object back"
  local got
  got=$("${k[@]}" -n default get widget w1 -o jsonpath='{.spec.size} {.status.phase} {.spec.labels.a}{.spec.labels.c}' </dev/null)
  [[ "$got" == "3 Ready 13" ]] || { echo "unexpected object state: '$got'" >>"$LOG"; false; }
  kill -0 "${ST_PIDS[1]}" 2>/dev/null || { echo "kube-apiserver exited" >>"$LOG"; false; }
  if grep -q 'SIGSEGV\|panic:' "$ST_DIR/apiserver.log"; then
    grep -m 5 'SIGSEGV\|panic:' "$ST_DIR/apiserver.log" >>"$LOG"; false
  fi
  trap - ERR
  say "selftest passed: CRD created, custom object applied (server-side), patched, status patched, invalid patch refused; read back: size=3 phase=Ready"
}

# ---------------------------------------------------------------------------- main
# hack/sample-controller.sh sources this file for its steps (download, unpack, reflect2 swap):
# main runs only when the script is executed.

main() {
  case "${1:-ensure}" in
    ensure) cmd_ensure ;;
    path) cmd_path ;;
    clean) cmd_clean ;;
    selftest) cmd_selftest ;;
    -h|--help|help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) echo "usage: $0 [ensure|path|clean|selftest]" >&2; exit 2 ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
