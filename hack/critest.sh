#!/usr/bin/env bash
# Runs critest (cri-tools v1.26.1, installed with crictl in PATH) against a
# husk started just for it, with nothing but loopback traffic:
#   - a docker-registry on 127.0.0.1 holds stand-ins for critest's images
#     (hack/critest-images.ts) and is husk's mirror of registry.k8s.io,
#     gcr.io and docker.io;
#   - husk runs from a copy of src/ and native/out/ with its own root, state,
#     socket and CNI config (bridge husk-crit0, 10.89.0.0/16, host-local data
#     in the run dir);
#   - afterwards every pod is removed, husk and the registry are stopped by
#     PID, and the bridge, leftover mounts, cgroups, shared memory segments
#     made by critest and the run directory are removed.
# Logs (critest, husk, registry, JUnit report) are kept in CRITEST_LOGS
# (default: a new /tmp/critest-logs.XXXXXX). Extra arguments go to critest,
# e.g.  sudo hack/critest.sh -ginkgo.focus='Image Manager'
# CRITEST_CMD='crictl ...' runs that shell command instead of critest;
# CRITEST_PATCH=FILE applies a -p1 patch to husk's copy (not the tree).
set -euo pipefail
cd "$(dirname "$0")/.."

BRIDGE=husk-crit0
SUBNET=10.89.0.0/16

die() { echo "critest.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root"
for tool in critest crictl /usr/bin/docker-registry /usr/lib/cni/bridge /usr/lib/cni/portmap /usr/lib/cni/host-local ipcs ipcrm ss; do
  command -v "$tool" >/dev/null || die "missing $tool"
done
if ip link show "$BRIDGE" >/dev/null 2>&1; then die "bridge $BRIDGE exists: another run is active or left it behind"; fi

work=$(mktemp -d /tmp/critest-run.XXXXXX)
logs=${CRITEST_LOGS:-$(mktemp -d /tmp/critest-logs.XXXXXX)}
mkdir -p "$logs"
sock=$work/state/husk.sock
registry_pid=
husk_pid=
started_at=$(date +%s)
shm_before=$(ipcs -m | awk '$2 ~ /^[0-9]+$/ {print $2}' | sort)
tmp_before=$(ls -1 /tmp | sort)

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

stop_pid() { # PID NAME: SIGTERM, then SIGKILL after 20 s
  local pid=$1 name=$2 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for i in $(seq 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "critest.sh: $name (pid $pid) ignored SIGTERM; killing it" >&2
  if [ "$name" = husk ]; then # what it was waiting for: its sockets and a Node diagnostic report
    ss -anp 2>/dev/null | grep -F "pid=$pid," >"$logs/husk-hung-sockets.txt"
    kill -USR2 "$pid" 2>/dev/null && sleep 2
  fi
  kill -KILL "$pid" 2>/dev/null || true
}

# Mount points under the run dir, and the host paths critest mounts itself
# (/tmp/test<pod id>...), that are still there: deepest first.
leftover_mounts() {
  awk -v w="$work" '$5 == w || index($5, w "/") == 1 || (match($5, /^\/tmp\/test[0-9a-f]+/) && RLENGTH >= 73) {print $5}' /proc/self/mountinfo | sort -r
}

cleanup() {
  set +e
  trap - EXIT INT TERM
  if [ -n "$husk_pid" ] && kill -0 "$husk_pid" 2>/dev/null; then
    crictl --runtime-endpoint "unix://$sock" --image-endpoint "unix://$sock" pods -q --no-trunc >"$logs/pods-left.txt" 2>/dev/null
    if [ -s "$logs/pods-left.txt" ]; then
      echo "critest.sh: removing $(wc -l <"$logs/pods-left.txt") pod(s) critest left behind"
      timeout 120 crictl --runtime-endpoint "unix://$sock" rmp -fa >>"$logs/cleanup.log" 2>&1
    fi
  fi
  stop_pid "$husk_pid" husk
  stop_pid "$registry_pid" docker-registry

  # Monitors are not husk's children and rename themselves; one still running
  # from this run works in a directory under the run dir.
  local pid cwd
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || continue
    [[ $cwd == "$work"/* ]] || continue
    echo "critest.sh: killing leftover process $pid ($(tr '\0' ' ' 2>/dev/null </proc/"$pid"/cmdline | cut -c1-100))" | tee -a "$logs/cleanup.log"
    kill -KILL "$pid" 2>/dev/null
  done

  # Cgroups (and the processes in them) of this run's pods and containers:
  # husk names them husk-<id>; the IDs are the ones in husk's state and root.
  local id dir
  for id in $(find "$work/state" "$work/root" -maxdepth 4 -type d -regextype egrep -regex '.*/[0-9a-f]{64}' -printf '%f\n' 2>/dev/null | sort -u); do
    for dir in $(find /sys/fs/cgroup -mindepth 2 -maxdepth 5 -type d -name "husk-$id" 2>/dev/null); do
      echo "critest.sh: removing leftover cgroup $dir" | tee -a "$logs/cleanup.log"
      for pid in $(cat "$dir/cgroup.procs" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
      sleep 0.2
      find "$dir" -depth -type d -exec rmdir {} \; 2>>"$logs/cleanup.log"
    done
  done

  local m
  for m in $(leftover_mounts); do
    echo "critest.sh: unmounting leftover $m" | tee -a "$logs/cleanup.log"
    umount -l "$m"
  done

  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi

  # Shared memory segments critest's IPC specs made on the host (ipcmk -M 1048576).
  local shmid
  for shmid in $(ipcs -m | awk '$2 ~ /^[0-9]+$/ && $5 == 1048576 && $6 == 0 {print $2}' | sort | comm -13 <(echo "$shm_before") -); do
    ipcrm -m "$shmid"
  done

  # critest's own temp dirs it did not remove (log dirs, volumes, seccomp profiles).
  local entry
  for entry in $(ls -1 /tmp | sort | comm -13 <(echo "$tmp_before") - | grep -E '^(podLogTest|seccomp-tests|test[0-9a-f]{64}|apparmor)'); do
    [ -n "$(leftover_mounts | grep -F "/tmp/$entry")" ] || rm -rf "/tmp/${entry:?}"
  done

  rm -rf "$work"
  echo "critest.sh: logs in $logs ($(($(date +%s) - started_at)) s)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- registry with the stand-in images -----------------------------------
port=$(free_port)
mkdir -p "$work/registry"
cat >"$work/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry/data
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: $(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
EOF
/usr/bin/docker-registry serve "$work/registry/config.yml" >"$logs/registry.log" 2>&1 &
registry_pid=$!
for i in $(seq 150); do
  node -e "fetch('http://127.0.0.1:$port/v2/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && break
  kill -0 "$registry_pid" 2>/dev/null || die "docker-registry exited: $(tail -5 "$logs/registry.log")"
  sleep 0.1
done
echo "critest.sh: registry on 127.0.0.1:$port; pushing stand-in images"
node --import tsx hack/critest-images.ts --registry "127.0.0.1:$port" >"$logs/images.txt"

# --- husk -----------------------------------------------------------------
mkdir -p "$work/cni" "$work/state"
cat >"$work/cni/10-husk-critest.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "husk-critest",
 "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$work/cni/ipam", "ranges": [[{"subnet": "$SUBNET"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}]}
EOF
mirror="endpoints = [\"http://127.0.0.1:$port\"]"
cat >"$work/husk.toml" <<EOF
root = "$work/root"
state = "$work/state"
socket = "$sock"
log_level = "debug"

[metrics]
address = ""

[streaming]
address = "127.0.0.1:0"

[cni]
conf_dir = "$work/cni"
bin_dirs = ["/usr/lib/cni", "/opt/cni/bin"]

[registry.mirrors."registry.k8s.io"]
$mirror

[registry.mirrors."gcr.io"]
$mirror

[registry.mirrors."docker.io"]
$mirror
EOF
# husk runs from a copy of the tree, so a rebuild of native/out or an edit
# under src/ during the run does not change the daemon under test.
mkdir -p "$work/husk/native"
cp -a src proto config package.json tsconfig.json "$work/husk/"
cp -a native/out "$work/husk/native/out"
ln -s "$PWD/node_modules" "$work/husk/node_modules"
if [ -n "${CRITEST_PATCH:-}" ]; then # try a change on the copy only
  patch -d "$work/husk" -p1 --quiet <"$CRITEST_PATCH" || die "$CRITEST_PATCH does not apply"
fi
(cd "$work/husk" && exec node --report-on-signal --report-directory="$logs" --import tsx src/cli/main.ts serve --config "$work/husk.toml") >"$logs/husk.log" 2>&1 &
husk_pid=$!
for i in $(seq 300); do
  [ -S "$sock" ] && crictl --runtime-endpoint "unix://$sock" version >/dev/null 2>&1 && break
  kill -0 "$husk_pid" 2>/dev/null || die "husk exited: $(tail -20 "$logs/husk.log")"
  sleep 0.1
done
[ -S "$sock" ] || die "husk did not start serving: $(tail -20 "$logs/husk.log")"
echo "critest.sh: husk (pid $husk_pid) serving on $sock"

# --- critest ----------------------------------------------------------------
set +e
if [ -n "${CRITEST_CMD:-}" ]; then # debugging: a command against the same setup
  CONTAINER_RUNTIME_ENDPOINT=unix://$sock IMAGE_SERVICE_ENDPOINT=unix://$sock bash -c "$CRITEST_CMD"
  exit $?
fi
critest --runtime-endpoint "unix://$sock" --image-endpoint "unix://$sock" \
  -ginkgo.no-color -ginkgo.junit-report "$logs/junit.xml" "$@" 2>&1 | tee "$logs/critest.log"
exit "${PIPESTATUS[0]}"
