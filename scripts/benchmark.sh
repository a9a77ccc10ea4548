#!/usr/bin/env bash
# Mooring benchmark, on the local Docker engine, in one run, side by side:
#   1. for each size in BENCH_SIZES (default "20 100"), the same N single-replica busybox containers
#      started by
#        - the engine driven directly (scripts/engine_direct.py: create+start over the API socket,
#          at each concurrency of BENCH_DIRECT_SWEEP; the fastest one counts),
#        - `docker-compose up -d` (Debian's docker-compose 1.29),
#        - Mooring (apply request -> all N Apps Ready=True),
#      with the ratios Mooring/direct and Mooring/compose;
#   2. Docker API calls per minute Mooring makes at rest with 20 converged Apps and with
#      BENCH_SCALE (default 1000) Apps of replicas 0 (mooring_docker_api_calls_total from /q/metrics,
#      two samples BENCH_IDLE_SECONDS apart), per operation;
#   3. start to ready (launch -> /q/health/ready 200) of a fresh Mooring, and of a restart with
#      BENCH_SCALE Apps in the store;
#   4. with BENCH_SCALE Apps: Mooring's resident memory (VmRSS) and the list API's latency
#      (median of 10 GETs of the namespace's Apps).
#
# Each side starts from an engine without the others' containers. Everything created is removed on
# exit, even on failure (containers, networks and volumes by their labels).
#
# Environment (all optional):
#   BENCH_SIZES="20 100"          sizes for the convergence comparison
#   BENCH_SCALE=1000              Apps (replicas 0) for the at-rest, memory and list figures; 0 skips it
#   BENCH_DIRECT_SWEEP=1,2,4,8,16 concurrencies tried for the engine driven directly
#   BENCH_IMAGE=mooring-test/busybox:1
#   BENCH_IDLE_SECONDS=60         length of each at-rest measurement window
#   BENCH_SETTLE_SECONDS=5        wait after convergence before the first at-rest sample
#   MOORING_RESYNC_INTERVAL=30s   mooring.controller.resync-interval
#   MOORING_JAVA_OPTS             extra JVM options for Mooring (none: Mooring's defaults)
#   MOORING_JAR=target/quarkus-app/quarkus-run.jar
#   BENCH_KEEP_WORKDIR=1          keep the temporary directory (logs, compose files) after the run
#
# Needs: bash, curl, python3, docker, docker-compose, java. Run it on a calm machine: the figures
# are times, and the ratios are what to compare.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=${BENCH_SIZES:-20 100}
SCALE=${BENCH_SCALE:-1000}
SWEEP=${BENCH_DIRECT_SWEEP:-1,2,4,8,16}
IMAGE=${BENCH_IMAGE:-mooring-test/busybox:1}
IDLE=${BENCH_IDLE_SECONDS:-60}
SETTLE=${BENCH_SETTLE_SECONDS:-5}
RESYNC=${MOORING_RESYNC_INTERVAL:-30s}
JAR=${MOORING_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}
TOKEN=bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
AUTH="Authorization: Bearer $TOKEN"

RUN=$(date +%s)-$$
INSTANCE=bench-$RUN               # Mooring's instance name on the engine (label dev.mooring.instance)
PROJECT=moorbench${RUN//-/}       # compose project prefix (letters and digits only)
WORK=$(mktemp -d -t mooring-bench.XXXXXX)
LOG=$WORK/mooring.log
MOORING_PID=
BASE=
declare -A DIRECT DIRECT_K COMPOSE MOORING

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
pause() { sleep "$1" & wait $!; }   # a signal interrupts wait at once, so the trap runs without delay
elapsed() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.2f}")' "$1" "$2"; }
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$1" "$2"; }

# ---- cleanup (trap) ----------------------------------------------------------------------------
stop_mooring() {
    [[ -n $MOORING_PID ]] || return 0
    kill "$MOORING_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$MOORING_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$MOORING_PID" 2>/dev/null || true
    wait "$MOORING_PID" 2>/dev/null || true
    MOORING_PID=
}
remove_labelled() {
    local ids
    ids=$(docker ps -aq --filter "label=$1")
    [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1
    ids=$(docker network ls -q --filter "label=$1")
    [[ -n $ids ]] && docker network rm $ids >/dev/null 2>&1
    ids=$(docker volume ls -q --filter "label=$1")
    [[ -n $ids ]] && docker volume rm $ids >/dev/null 2>&1
    return 0
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    log "cleaning up"
    stop_mooring
    remove_labelled "dev.mooring.instance=$INSTANCE"
    remove_labelled "dev.mooring.bench=$RUN"
    for p in $(docker ps -a --filter "label=com.docker.compose.project" --format '{{.Label "com.docker.compose.project"}}' | sort -u); do
        [[ $p == "$PROJECT"* ]] && remove_labelled "com.docker.compose.project=$p"
    done
    if [[ ${BENCH_KEEP_WORKDIR:-0} == 1 || $rc != 0 ]]; then
        log "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- preflight -----------------------------------------------------------------------------------
for cmd in curl python3 docker docker-compose java; do
    command -v "$cmd" >/dev/null || die "$cmd is not installed"
done
docker info >/dev/null 2>&1 || die "no Docker engine answers"
docker image inspect "$IMAGE" >/dev/null 2>&1 || die "image $IMAGE is missing (scripts/setup-test-env.sh builds it)"
if [[ ! -f $JAR ]]; then
    log "building Mooring (no $JAR)"
    (cd "$ROOT" && mvn -q -B -ntp package -Dmaven.test.skip=true) || die "build failed"
fi

# ---- the engine driven directly --------------------------------------------------------------------
direct() {
    local n=$1 out
    log "engine directly: $n containers, concurrency $SWEEP"
    out=$(python3 "$ROOT/scripts/engine_direct.py" --count "$n" --sweep "$SWEEP" --image "$IMAGE" \
        --label "dev.mooring.bench=$RUN" 2>>"$WORK/direct.log") || die "engine_direct.py failed: $(tail -5 "$WORK/direct.log")"
    echo "$out" >>"$WORK/direct.json"
    read -r DIRECT[$n] DIRECT_K[$n] < <(python3 -c '
import json, sys
last = [json.loads(l) for l in sys.stdin.read().splitlines() if l.strip()][-1]
print(last["seconds"], last["best_concurrency"])' <<<"$out")
    log "engine directly: ${DIRECT[$n]} s at concurrency ${DIRECT_K[$n]}"
}

# ---- docker-compose up -d -----------------------------------------------------------------------
compose() {
    local n=$1 file=$WORK/compose-$1.yml project=$PROJECT$1 t0 t1 running
    {
        echo 'version: "2.4"'
        echo 'services:'
        for i in $(seq 1 "$n"); do
            cat <<EOF
  app-$i:
    image: "$IMAGE"
    command: ["sleep", "100000"]
    stop_grace_period: 1s
    network_mode: bridge
EOF
        done
    } >"$file"
    log "docker-compose up -d: $n services (project $project)"
    t0=$(now)
    docker-compose -p "$project" -f "$file" up -d >>"$WORK/compose.log" 2>&1 || die "docker-compose up failed: $(tail -5 "$WORK/compose.log")"
    t1=$(now)
    COMPOSE[$n]=$(elapsed "$t0" "$t1")
    running=$(docker ps -q --filter "label=com.docker.compose.project=$project" --filter status=running | wc -l)
    [[ $running == "$n" ]] || die "compose started $running of $n containers"
    log "compose: ${COMPOSE[$n]} s; taking it down again"
    docker-compose -p "$project" -f "$file" down -t 1 >>"$WORK/compose.log" 2>&1 || die "docker-compose down failed"
}

# ---- Mooring ---------------------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT

# Starts Mooring; START_SECONDS is the time from launch to /q/health/ready answering 200.
start_mooring() {
    local t0 deadline
    # shellcheck disable=SC2206
    local opts=(${MOORING_JAVA_OPTS:-})
    t0=$(now)
    MOORING_ADMIN_TOKEN=$TOKEN java "${opts[@]}" -Dquarkus.http.port="$PORT" -Dmooring.data-dir="$WORK/data" \
        -Dmooring.instance="$INSTANCE" -Dmooring.controller.resync-interval="$RESYNC" -jar "$JAR" >>"$LOG" 2>&1 &
    MOORING_PID=$!
    deadline=$((SECONDS + 180))
    until curl -sf -o /dev/null "$BASE/q/health/ready"; do
        kill -0 "$MOORING_PID" 2>/dev/null || die "Mooring exited: $(tail -20 "$LOG")"
        ((SECONDS < deadline)) || die "Mooring not ready after 180 s"
        sleep 0.02
    done
    START_SECONDS=$(elapsed "$t0" "$(now)")
}

# Writes N App documents (namespace, replicas) to a file, one multi-document YAML.
apps_yaml() {
    local ns=$1 from=$2 to=$3 replicas=$4
    for i in $(seq "$from" "$to"); do
        cat <<EOF
---
apiVersion: mooring.dev/v1alpha1
kind: App
metadata: {name: app-$i, namespace: $ns}
spec: {image: "$IMAGE", command: ["sleep", "100000"], replicas: $replicas, stopGracePeriod: 1s}
EOF
    done
}

apply_file() {
    local code
    code=$(curl -s -o "$WORK/apply.json" -w '%{http_code}' -X POST -H "$AUTH" -H 'Content-Type: application/yaml' \
        --data-binary @"$1" "$BASE/api/v1alpha1/apply")
    [[ $code == 200 ]] || die "apply answered $code: $(head -c 500 "$WORK/apply.json")"
}

# Prints "<ready> <total> <names of unready Apps>" for a namespace's Apps (all pages).
READY_PY='
import json, sys
items = json.load(sys.stdin)["items"]
def ready(a):
    st = a.get("status") or {}
    return st.get("observedGeneration") == a["metadata"].get("generation") and any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in st.get("conditions") or [])
print(sum(map(ready, items)), len(items), " ".join(a["metadata"]["name"] for a in items if not ready(a))[:200])
'
wait_ready() {
    local ns=$1 n=$2 limit=$3 out nready total rest deadline=$((SECONDS + $3))
    while :; do
        out=$(curl -sf -H "$AUTH" "$BASE/api/v1alpha1/namespaces/$ns/apps?limit=100000" | python3 -c "$READY_PY" 2>/dev/null || true)
        nready=0 total=0 rest=
        read -r nready total rest <<<"$out" || true
        [[ $nready == "$n" && $total == "$n" ]] && return 0
        ((SECONDS < deadline)) || die "only $nready/$n Apps Ready in $ns after $limit s (not ready: $rest)"
        sleep 0.05
    done
}

converge() {
    local n=$1 ns=conv$1 t0 running
    apps_yaml "$ns" 1 "$n" 1 >"$WORK/apps-$n.yaml"
    log "Mooring: applying $n Apps to namespace $ns"
    t0=$(now)
    apply_file "$WORK/apps-$n.yaml"
    wait_ready "$ns" "$n" 300
    MOORING[$n]=$(elapsed "$t0" "$(now)")
    running=$(docker ps -q --filter "label=dev.mooring.namespace=$ns" --filter "label=dev.mooring.instance=$INSTANCE" --filter status=running | wc -l)
    [[ $running == "$n" ]] || die "$n Apps Ready but $running containers running"
    log "Mooring: ${MOORING[$n]} s"
}

delete_all() {
    local ns=$1 n=$2 t0 left=? deadline=$((SECONDS + 300))
    t0=$(now)
    for i in $(seq 1 "$n"); do
        curl -sf -o /dev/null -H "$AUTH" -X DELETE "$BASE/api/v1alpha1/namespaces/$ns/apps/app-$i" || die "delete app-$i failed"
    done
    while ((SECONDS < deadline)); do
        left=$(docker ps -aq --filter "label=dev.mooring.namespace=$ns" --filter "label=dev.mooring.instance=$INSTANCE" | wc -l)
        items=$(curl -sf -H "$AUTH" "$BASE/api/v1alpha1/namespaces/$ns/apps?limit=100000" \
            | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null || echo '?')
        [[ $left == 0 && $items == 0 ]] && break
        sleep 0.2
    done
    [[ $left == 0 ]] || die "containers of $ns still there after the delete"
    DELETE_SECONDS=$(elapsed "$t0" "$(now)")
    log "Mooring: $n Apps deleted through the API in $DELETE_SECONDS s"
}

METRICS_PY='
import re, sys
calls = {}
for line in sys.stdin:
    m = re.match(r"mooring_docker_api_calls_total\{(.*)\}\s+(\S+)", line)
    if m:
        labels = dict(re.findall(r"(\w+)=\"([^\"]*)\"", m.group(1)))
        if labels.get("engine") == "local":
            calls[labels.get("operation", "?")] = calls.get(labels.get("operation", "?"), 0) + float(m.group(2))
for op, n in sorted(calls.items()):
    print(op, int(n))
'
sample() { curl -sf -H "$AUTH" "$BASE/q/metrics" | python3 -c "$METRICS_PY"; }
# Prints "<calls/min> <container lists/min> <per-operation breakdown>" over one window at rest.
at_rest() {
    local tag=$1 s0 s1
    log "at rest ($tag): settling ${SETTLE} s, then counting Docker API calls for ${IDLE} s"
    pause "$SETTLE"
    s0=$(now); sample >"$WORK/calls0-$tag"
    pause "$IDLE"
    s1=$(now); sample >"$WORK/calls1-$tag"
    python3 - "$WORK/calls0-$tag" "$WORK/calls1-$tag" "$(elapsed "$s0" "$s1")" <<'EOF'
import sys
def load(p):
    d = {}
    for line in open(p):
        op, n = line.split()
        d[op] = int(n)
    return d
a, b, secs = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
ops = sorted(set(a) | set(b))
diff = {o: b.get(o, 0) - a.get(o, 0) for o in ops}
total = sum(diff.values())
detail = ", ".join(f"{o} {d * 60 / secs:.1f}" for o, d in diff.items() if d) or "none"
print(f"{total * 60 / secs:.1f} {diff.get('container.list', 0) * 60 / secs:.1f} {detail}")
EOF
}

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$MOORING_PID/status"; }

list_ms() {
    local ns=$1
    for _ in $(seq 1 10); do
        curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$BASE/api/v1alpha1/namespaces/$ns/apps"
    done | sort -n | sed -n 5,6p | python3 -c 'import sys; v=[float(x) for x in sys.stdin]; print(f"{sum(v) / len(v) * 1000:.0f}")'
}

# ---- the run ---------------------------------------------------------------------------------------
for n in $SIZES; do
    direct "$n"
    compose "$n"
done

log "starting Mooring on port $PORT (resync $RESYNC, log $LOG)"
start_mooring
START_FRESH=$START_SECONDS
log "Mooring ready $START_FRESH s after launch (empty data directory)"
for n in $SIZES; do
    converge "$n"
    if [[ $n == 20 ]]; then
        read -r REST20 REST20_LISTS REST20_DETAIL < <(at_rest 20)
    fi
    delete_all "conv$n" "$n"
done

if ((SCALE > 0)); then
    log "Mooring: $SCALE Apps with replicas 0 in namespace scale"
    for ((from = 1; from <= SCALE; from += 500)); do
        to=$((from + 499 < SCALE ? from + 499 : SCALE))
        apps_yaml scale "$from" "$to" 0 >"$WORK/scale.yaml"
        apply_file "$WORK/scale.yaml"
    done
    wait_ready scale "$SCALE" 600
    read -r REST_SCALE REST_SCALE_LISTS REST_SCALE_DETAIL < <(at_rest "$SCALE")
    RSS_SCALE=$(rss_mb)
    LIST_SCALE=$(list_ms scale)
    stop_mooring
    start_mooring
    START_SCALE=$START_SECONDS
    log "Mooring ready $START_SCALE s after a restart with $SCALE Apps"
fi

# ---- report ---------------------------------------------------------------------------------------
echo
echo "=== Mooring benchmark, $(date -u +%F), engine $(docker version -f '{{.Server.Version}}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), image $IMAGE ==="
printf '%-6s | %-28s | %-18s | %-28s\n' Apps "engine directly (best K)" "docker-compose" "Mooring apply -> all Ready"
for n in $SIZES; do
    printf '%-6s | %-28s | %-18s | %-28s\n' "$n" "${DIRECT[$n]} s (K=${DIRECT_K[$n]})" "${COMPOSE[$n]} s" \
        "${MOORING[$n]} s ($(ratio "${MOORING[$n]}" "${DIRECT[$n]}")x direct, $(ratio "${MOORING[$n]}" "${COMPOSE[$n]}")x compose)"
done
echo
echo "Docker calls per minute at rest (resync $RESYNC):"
echo "  20 Apps converged:          $REST20 calls/min, of them $REST20_LISTS container lists ($REST20_DETAIL)"
if ((SCALE > 0)); then
    echo "  $SCALE Apps (replicas 0):    $REST_SCALE calls/min, of them $REST_SCALE_LISTS container lists ($REST_SCALE_DETAIL)"
fi
echo
echo "Start to ready: $START_FRESH s (empty data directory)${START_SCALE:+, $START_SCALE s (restart with $SCALE Apps)}"
if ((SCALE > 0)); then
    echo "With $SCALE Apps: RSS $RSS_SCALE MB; GET of the namespace's Apps ${LIST_SCALE} ms (median of 10)"
fi
echo "JVM options: ${MOORING_JAVA_OPTS:-the defaults}"
