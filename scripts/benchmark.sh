#!/usr/bin/env bash
# Mooring benchmark, on the local Docker engine, in one run:
#   1. time for Mooring to converge N single-replica Apps from empty (apply request -> all Ready=True);
#   2. time for `docker-compose up -d` (Debian's docker-compose 1.29) to start the same N services
#      (same image, same command), and the ratio Mooring/compose;
#   3. Docker API calls per minute Mooring makes with the N Apps converged and nothing changing
#      (mooring_docker_api_calls_total from /q/metrics, two samples ~60 s apart), per operation.
#
# Order: compose first (up, timed; then down), then Mooring, so that each side starts from an
# engine without the other's containers. Everything created is removed on exit, even on failure.
#
# Environment (all optional):
#   BENCH_APPS=20                 number of Apps / compose services
#   BENCH_IMAGE=mooring-test/busybox:1
#   BENCH_IDLE_SECONDS=60         length of the idle measurement window
#   BENCH_SETTLE_SECONDS=5        wait after convergence before the first idle sample
#   MOORING_RESYNC_INTERVAL=30s   mooring.controller.resync-interval
#   MOORING_WORKERS               mooring.controller.workers (Mooring's default when unset)
#   MOORING_JAR=target/quarkus-app/quarkus-run.jar
#   MOORING_ADMIN_TOKEN           the admin token Mooring is started with (a random one by default)
#   BENCH_KEEP_WORKDIR=1          keep the temporary directory (logs, compose file) after the run
#
# Needs: bash, curl, python3 (JSON parsing only), docker, docker-compose, java (to run Mooring).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${BENCH_APPS:-20}
IMAGE=${BENCH_IMAGE:-mooring-test/busybox:1}
IDLE=${BENCH_IDLE_SECONDS:-60}
SETTLE=${BENCH_SETTLE_SECONDS:-5}
RESYNC=${MOORING_RESYNC_INTERVAL:-30s}
JAR=${MOORING_JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}
TOKEN=${MOORING_ADMIN_TOKEN:-bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
AUTH="Authorization: Bearer $TOKEN"

RUN=$(date +%s)-$$
NS=bench-$RUN                     # Mooring namespace, also its instance name on the engine
PROJECT=moorbench${RUN//-/}       # compose project (letters and digits only)
WORK=$(mktemp -d -t mooring-bench.XXXXXX)
COMPOSE_FILE=$WORK/docker-compose.yml
LOG=$WORK/mooring.log
MOORING_PID=
BASE=
COMPOSE_UP=0

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
pause() { sleep "$1" & wait $!; }   # a signal interrupts wait at once, so the trap runs without delay
elapsed() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.2f}")' "$1" "$2"; }

# ---- cleanup (trap) ----------------------------------------------------------------------------
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    log "cleaning up"
    if [[ $COMPOSE_UP == 1 ]]; then
        docker-compose -p "$PROJECT" -f "$COMPOSE_FILE" down -t 1 >>"$WORK/compose.log" 2>&1
    fi
    if [[ -n $MOORING_PID ]] && kill -0 "$MOORING_PID" 2>/dev/null; then
        # Delete through the API, so that Mooring removes its own containers.
        local names
        names=$(curl -sf -H "$AUTH" "$BASE/api/v1alpha1/namespaces/$NS/apps" \
            | python3 -c 'import json,sys; print(" ".join(a["metadata"]["name"] for a in json.load(sys.stdin)["items"]))' 2>/dev/null)
        local t0; t0=$(now)
        for a in $names; do
            curl -sf -o /dev/null -H "$AUTH" -X DELETE "$BASE/api/v1alpha1/namespaces/$NS/apps/$a"
        done
        if [[ -n $names ]]; then
            local deadline=$((SECONDS + 180))
            while ((SECONDS < deadline)); do
                local left items
                left=$(docker ps -aq --filter "label=dev.mooring.namespace=$NS" | wc -l)
                items=$(curl -sf -H "$AUTH" "$BASE/api/v1alpha1/namespaces/$NS/apps" \
                    | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null || echo '?')
                [[ $left == 0 && $items == 0 ]] && break
                sleep 1
            done
            log "Apps deleted through the API in $(elapsed "$t0" "$(now)") s (containers left: $left, Apps left: $items)"
        fi
        kill "$MOORING_PID" 2>/dev/null
        for _ in $(seq 1 30); do kill -0 "$MOORING_PID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$MOORING_PID" 2>/dev/null
        wait "$MOORING_PID" 2>/dev/null
    fi
    # Whatever is still there (a failed delete, a killed Mooring) goes by label.
    local rest
    rest=$(docker ps -aq --filter "label=dev.mooring.namespace=$NS")
    [[ -n $rest ]] && { log "force-removing $(echo "$rest" | wc -l) leftover containers"; docker rm -f $rest >/dev/null; }
    rest=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")
    [[ -n $rest ]] && docker rm -f $rest >/dev/null
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

# ---- 2. docker-compose up -d -----------------------------------------------------------------------
{
    echo 'version: "2.4"'
    echo 'services:'
    for i in $(seq 1 "$N"); do
        cat <<EOF
  app-$i:
    image: "$IMAGE"
    command: ["sleep", "100000"]
    stop_grace_period: 1s
    network_mode: bridge
EOF
    done
} >"$COMPOSE_FILE"

log "docker-compose up -d: $N services (project $PROJECT)"
COMPOSE_UP=1
t0=$(now)
docker-compose -p "$PROJECT" -f "$COMPOSE_FILE" up -d >>"$WORK/compose.log" 2>&1 || die "docker-compose up failed: $(tail -5 "$WORK/compose.log")"
t1=$(now)
COMPOSE_SECONDS=$(elapsed "$t0" "$t1")
running=$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter status=running | wc -l)
[[ $running == "$N" ]] || die "compose started $running of $N containers"
log "compose: $COMPOSE_SECONDS s; taking it down again"
docker-compose -p "$PROJECT" -f "$COMPOSE_FILE" down -t 1 >>"$WORK/compose.log" 2>&1 || die "docker-compose down failed"
COMPOSE_UP=0

# ---- start Mooring -------------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
JAVA_ARGS=(-Dquarkus.http.port="$PORT" -Dmooring.data-dir="$WORK/data" -Dmooring.instance="$NS"
    -Dmooring.controller.resync-interval="$RESYNC")
[[ -n ${MOORING_WORKERS:-} ]] && JAVA_ARGS+=(-Dmooring.controller.workers="$MOORING_WORKERS")
log "starting Mooring on port $PORT (resync $RESYNC, log $LOG)"
MOORING_ADMIN_TOKEN=$TOKEN java "${JAVA_ARGS[@]}" -jar "$JAR" >"$LOG" 2>&1 &
MOORING_PID=$!
deadline=$((SECONDS + 120))
until curl -sf -o /dev/null "$BASE/q/health/ready"; do
    kill -0 "$MOORING_PID" 2>/dev/null || die "Mooring exited: $(tail -20 "$LOG")"
    ((SECONDS < deadline)) || die "Mooring not ready after 120 s"
    sleep 0.2
done

# ---- 1. Mooring converges N Apps ---------------------------------------------------------------
YAML=$WORK/apps.yaml
for i in $(seq 1 "$N"); do
    cat <<EOF
---
apiVersion: mooring.dev/v1alpha1
kind: App
metadata: {name: app-$i, namespace: $NS}
spec: {image: "$IMAGE", command: ["sleep", "100000"], replicas: 1, stopGracePeriod: 1s}
EOF
done >"$YAML"

# Prints "<ready> <total> <names of unready Apps>" for the namespace.
READY_PY='
import json, sys
items = json.load(sys.stdin)["items"]
def ready(a):
    st = a.get("status") or {}
    return st.get("observedGeneration") == a["metadata"].get("generation") and any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in st.get("conditions") or [])
print(sum(map(ready, items)), len(items), " ".join(a["metadata"]["name"] for a in items if not ready(a))[:200])
'
log "applying $N Apps to namespace $NS"
t0=$(now)
code=$(curl -s -o "$WORK/apply.json" -w '%{http_code}' -X POST -H "$AUTH" -H 'Content-Type: application/yaml' \
    --data-binary @"$YAML" "$BASE/api/v1alpha1/apply")
[[ $code == 200 ]] || die "apply answered $code: $(cat "$WORK/apply.json")"
deadline=$((SECONDS + 180))
while :; do
    out=$(curl -sf -H "$AUTH" "$BASE/api/v1alpha1/namespaces/$NS/apps" | python3 -c "$READY_PY" 2>/dev/null || true)
    nready=0 total=0 rest=
    read -r nready total rest <<<"$out" || true
    [[ $nready == "$N" && $total == "$N" ]] && break
    ((SECONDS < deadline)) || die "only $nready/$N Apps Ready after 180 s (not ready: $rest)"
    sleep 0.05
done
t1=$(now)
MOORING_SECONDS=$(elapsed "$t0" "$t1")
running=$(docker ps -q --filter "label=dev.mooring.namespace=$NS" --filter status=running | wc -l)
[[ $running == "$N" ]] || die "$N Apps Ready but $running containers running"
log "Mooring: $MOORING_SECONDS s"

# ---- 3. Docker API calls while idle -----------------------------------------------------------------
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
log "idle: settling ${SETTLE} s, then counting Docker API calls for ${IDLE} s"
pause "$SETTLE"
s0=$(now); sample >"$WORK/calls0"
pause "$IDLE"
s1=$(now); sample >"$WORK/calls1"
IDLE_REPORT=$(python3 - "$WORK/calls0" "$WORK/calls1" "$(elapsed "$s0" "$s1")" <<'EOF'
import sys
def load(p):
    d = {}
    for line in open(p):
        op, n = line.split()
        d[op] = int(n)
    return d
a, b, secs = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
ops = sorted(set(a) | set(b))
total = sum(b.get(o, 0) - a.get(o, 0) for o in ops)
print(f"  window {secs:.1f} s: {total} calls = {total * 60 / secs:.1f} calls/min")
for o in ops:
    d = b.get(o, 0) - a.get(o, 0)
    print(f"    {o:<20} {d:>6}  ({d * 60 / secs:.1f}/min; {b.get(o, 0)} since start)")
EOF
)

# ---- report ---------------------------------------------------------------------------------------
RATIO=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$MOORING_SECONDS" "$COMPOSE_SECONDS")
cat <<EOF

=== Mooring benchmark: $N single-replica Apps, image $IMAGE, engine $(docker version -f '{{.Server.Version}}') ===
(1) Mooring, apply -> all $N Ready=True:     $MOORING_SECONDS s   (poll resolution ~0.1 s)
(2) docker-compose 1.29 up -d, $N services:  $COMPOSE_SECONDS s
    ratio Mooring/compose:                  $RATIO
(3) Docker API calls by Mooring, $N Apps converged, nothing changing (resync $RESYNC):
$IDLE_REPORT
EOF
