#!/usr/bin/env bash
# Soak test (issue 10, "Faults"): random changes against a running Mooring for a while, then the
# checks that matter after hours of churn: zero orphans, zero duplicates, and memory that stays flat.
#
#   scripts/soak.sh [DURATION]          DURATION like 30m (default), 600s, 1h
#
# Without MOORING_URL it starts its own Mooring from target/quarkus-app (build it first:
# mvn -B -ntp -o package -DskipTests), with a fresh data dir, its own instance name and a test host
# (scripts/test-host.sh) as the second engine "soakhost", and stops everything afterwards.
# With MOORING_URL (and MOORING_TOKEN, an admin token; MOORING_PID for the memory samples) it uses
# that one; SOAK_ENGINE names a second engine there that runs on test host SOAK_HOST (NAME:INDEX).
#
# The changes, one every 1-3 s, picked at random over six Apps in namespace soak-<time>:
#   apply (a new env value: a rollout), scale (1..4 replicas), delete, `docker rm -f` of a managed
#   container, and now and then (every ~3 min) a restart of the test host's dockerd.
# At the end it waits (up to 3 min) for every App to be Ready (deleted ones gone), then counts by label on each engine:
#   orphans     containers of the namespace whose App no longer exists
#   duplicates  more than one container for one (App, replica)
#   surplus     Apps with more containers than replicas
# and prints Mooring's RSS, sampled every 30 s. Exit 0 when orphans, duplicates and surplus are zero.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-30m}
case $duration in
  *h) seconds=$((${duration%h} * 3600)) ;;
  *m) seconds=$((${duration%m} * 60)) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac
ns=soak-$(date +%H%M%S)
apps=(a b c d e f)
declare -A replicas
work=$(mktemp -d /tmp/mooring-soak.XXXXXX)
started_here=

if [ -z "${MOORING_URL:-}" ]; then
  [ -f target/quarkus-app/quarkus-run.jar ] || { echo "build first: mvn -B -ntp -o package -DskipTests" >&2; exit 2; }
  host_name=soak host_index=72
  SOAK_ENGINE=soakhost
  SOAK_HOST=$host_name:$host_index
  bash scripts/test-host.sh up "$host_name" "$host_index" >/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  MOORING_URL=http://127.0.0.1:$port
  MOORING_TOKEN=soak-admin-$(date +%s)
  instance=soak-$(date +%s)
  java -Xmx512m -Dquarkus.http.port="$port" -Dquarkus.http.host=127.0.0.1 \
    -Dmooring.data-dir="$work/data" -Dmooring.instance="$instance" -Dmooring.admin-token="$MOORING_TOKEN" \
    -Dmooring.controller.resync-interval=10s \
    -Dmooring.engines.$SOAK_ENGINE.host="tcp://10.77.$host_index.2:2376" \
    -jar target/quarkus-app/quarkus-run.jar >"$work/mooring.log" 2>&1 &
  MOORING_PID=$!
  started_here=1
  for _ in $(seq 1 120); do
    curl -fsS "$MOORING_URL/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$MOORING_PID" 2>/dev/null || { tail -30 "$work/mooring.log" >&2; exit 1; }
    sleep 1
  done
  echo "soak: Mooring $MOORING_PID on $MOORING_URL (instance $instance, log $work/mooring.log)"
fi
: "${MOORING_TOKEN:?set MOORING_TOKEN (an admin token)}"
instance_filter=()
[ -z "${instance:-}" ] || instance_filter=(--filter "label=dev.mooring.instance=$instance")

cleanup() {
  set +e
  for app in "${apps[@]}"; do api DELETE "/namespaces/$ns/apps/$app" >/dev/null; done
  if [ -n "$started_here" ]; then
    for _ in $(seq 1 60); do
      [ "$(docker ps -aq --filter "label=dev.mooring.namespace=$ns" | wc -l)" = 0 ] && break
      sleep 1
    done
    kill "$MOORING_PID" 2>/dev/null; wait "$MOORING_PID" 2>/dev/null
    docker ps -aq --filter "label=dev.mooring.namespace=$ns" | xargs -r docker rm -f >/dev/null
    bash scripts/test-host.sh down "${SOAK_HOST%%:*}" "${SOAK_HOST##*:}"
    rm -rf "$work"
  fi
}
trap cleanup EXIT

api() { # METHOD PATH [YAML]
  local args=(-sS -o /dev/stderr -w '%{http_code}' -X "$1" -H "Authorization: Bearer $MOORING_TOKEN")
  [ $# -lt 3 ] || args+=(-H 'Content-Type: application/yaml' --data-binary "$3")
  curl "${args[@]}" "$MOORING_URL/api/v1alpha1$2" 2>>"$work/api.log"
}

engine_of() { # app -> engine: half the Apps on the test host
  case $1 in a|c|e) echo "${SOAK_ENGINE:-local}" ;; *) echo local ;; esac
}

docker_of() { # engine -> docker -H flags
  if [ "$1" = local ]; then echo ""; else echo "-H tcp://10.77.${SOAK_HOST##*:}.2:2376"; fi
}

apply_app() { # app replicas
  local yaml
  yaml=$(cat <<EOF
apiVersion: mooring.dev/v1alpha1
kind: App
metadata: {name: $1, namespace: $ns}
spec:
  image: mooring-test/busybox:1
  command: ["sleep", "100000"]
  replicas: $2
  stopGracePeriod: 1s
  engine: $(engine_of "$1")
  env: [{name: V, value: "$RANDOM"}]
  update: {parallelism: 2, monitor: 1s}
EOF
)
  api POST /apply "$yaml"
}

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$MOORING_PID/status" 2>/dev/null || echo 0; }

echo "soak: $duration ($seconds s) of random changes in namespace $ns"
declare -A done_count
samples=()
end=$(($(date +%s) + seconds))
next_sample=0
next_restart=$(($(date +%s) + 180))
while [ "$(date +%s)" -lt "$end" ]; do
  now=$(date +%s)
  if [ -n "${MOORING_PID:-}" ] && [ "$now" -ge "$next_sample" ]; then
    samples+=("$(rss_kib)")
    next_sample=$((now + 30))
  fi
  app=${apps[$((RANDOM % ${#apps[@]}))]}
  action=$((RANDOM % 10))
  if [ -n "${SOAK_HOST:-}" ] && [ "$now" -ge "$next_restart" ]; then
    action=restart
    next_restart=$((now + 180))
  fi
  case $action in
    0|1|2) what=apply; n=${replicas[$app]:-2}; code=$(apply_app "$app" "$n") ;;
    3|4|5) what=scale; n=$((1 + RANDOM % 4)); code=$(apply_app "$app" "$n") ;;
    6) what=delete; code=$(api DELETE "/namespaces/$ns/apps/$app"); unset "replicas[$app]" ;;
    7|8|9)
      what=rm-f
      eng=$(engine_of "$app")
      # shellcheck disable=SC2046
      victim=$(docker $(docker_of "$eng") ps -q --filter "label=dev.mooring.namespace=$ns" --filter "label=dev.mooring.name=$app" | shuf -n1 || true)
      # shellcheck disable=SC2046
      if [ -n "$victim" ]; then docker $(docker_of "$eng") rm -f "$victim" >/dev/null 2>&1 || true; fi
      code=- ;;
    restart) what=engine-restart; bash scripts/test-host.sh restart "${SOAK_HOST%%:*}" "${SOAK_HOST##*:}"; code=- ;;
  esac
  # an apply is stored when it answers 2xx; a 409 means the App is still being deleted
  case $what:$code in apply:2??|scale:2??) replicas[$app]=$n ;; apply:409|scale:409) unset "replicas[$app]" ;; esac
  done_count[$what]=$((${done_count[$what]:-0} + 1))
  case $code in 2??|-|404|409) ;; *) echo "soak: $what $app answered $code" ;; esac
  sleep "$((1 + RANDOM % 3))"
done
echo "soak: changes made: $(for k in "${!done_count[@]}"; do printf '%s=%s ' "$k" "${done_count[$k]}"; done)"

# ---- convergence, then the checks ---------------------------------------------------------
settled=
for _ in $(seq 1 180); do
  ok=1
  for app in "${apps[@]}"; do
    if [ -z "${replicas[$app]:-}" ]; then
      [ "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $MOORING_TOKEN" "$MOORING_URL/api/v1alpha1/namespaces/$ns/apps/$app")" = 404 ] || { ok=; break; }
    fi
  done
  [ -n "$ok" ] || { sleep 1; continue; }
  for app in "${!replicas[@]}"; do
    body=$(curl -sS -H "Authorization: Bearer $MOORING_TOKEN" "$MOORING_URL/api/v1alpha1/namespaces/$ns/apps/$app")
    python3 -c 'import json,sys; j=json.loads(sys.argv[1]); c={x["type"]:x["status"] for x in j.get("status",{}).get("conditions",[])}; s=j.get("status",{}); sys.exit(0 if c.get("Ready")=="True" and s.get("observedGeneration")==j["metadata"]["generation"] and s.get("readyReplicas")==j["spec"]["replicas"] else 1)' "$body" || { ok=; break; }
  done
  [ -z "$ok" ] || { settled=1; break; }
  sleep 1
done
[ -n "$settled" ] || echo "soak: not every App was Ready (or gone) within 3 min"

orphans=0 duplicates=0 surplus=0
for eng in local ${SOAK_ENGINE:+$SOAK_ENGINE}; do
  # shellcheck disable=SC2046
  lines=$(docker $(docker_of "$eng") ps -a "${instance_filter[@]}" --filter "label=dev.mooring.namespace=$ns" \
    --format '{{.Label "dev.mooring.name"}} {{.Label "dev.mooring.replica"}}')
  for app in "${apps[@]}"; do
    have=$(grep -c "^$app " <<<"$lines" || true)
    if [ -z "${replicas[$app]:-}" ] || [ "$(engine_of "$app")" != "$eng" ]; then
      orphans=$((orphans + have))
    elif [ "$have" -gt "${replicas[$app]}" ]; then
      surplus=$((surplus + have - replicas[$app]))
    fi
  done
  duplicates=$((duplicates + $(sort <<<"$lines" | grep -v '^$' | uniq -d | wc -l)))
done
echo "soak: orphans=$orphans duplicates=$duplicates surplus=$surplus (Apps left: $(for a in "${!replicas[@]}"; do printf '%s=%s ' "$a" "${replicas[$a]}"; done))"
if [ ${#samples[@]} -gt 0 ]; then
  echo "soak: Mooring RSS (MiB) every 30 s: $(for s in "${samples[@]}"; do printf '%d ' $((s / 1024)); done)"
  n=${#samples[@]}
  q=$((n / 4 > 0 ? n / 4 : 1))
  first=0 last=0
  for ((i = q; i < 2 * q && i < n; i++)); do first=$((first + samples[i])); done
  for ((i = n - q; i < n; i++)); do last=$((last + samples[i])); done
  echo "soak: RSS second quarter avg $((first / q / 1024)) MiB, last quarter avg $((last / q / 1024)) MiB"
fi
[ "$orphans" = 0 ] && [ "$duplicates" = 0 ] && [ "$surplus" = 0 ]
