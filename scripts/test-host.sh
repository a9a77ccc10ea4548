#!/usr/bin/env bash
# A test host: a second Docker engine that looks like another machine, for tests that restart,
# freeze or cut off an engine (never the main dockerd everyone shares). See DESIGN.md "Test hosts".
#
#   scripts/test-host.sh up      NAME INDEX   create (or repair) the host; prints its endpoint
#   scripts/test-host.sh down    NAME INDEX   remove everything: dockerd, containers, netns, veth, dirs
#   scripts/test-host.sh restart NAME INDEX   SIGTERM dockerd, wait until it is gone, start it again
#   scripts/test-host.sh stop    NAME INDEX   SIGTERM dockerd and wait (the netns stays)
#   scripts/test-host.sh start   NAME INDEX   start dockerd again and wait for it
#   scripts/test-host.sh freeze  NAME INDEX   SIGSTOP dockerd and its containerd
#   scripts/test-host.sh thaw    NAME INDEX   SIGCONT them
#   scripts/test-host.sh cut     NAME INDEX   take the host side of the veth down (unreachable)
#   scripts/test-host.sh mend    NAME INDEX   bring it up again
#   scripts/test-host.sh status  NAME INDEX   exit 0 when the engine answers
#
# INDEX (1..250) picks the addresses: 10.77.INDEX.1 on the host side of the veth, 10.77.INDEX.2
# inside the namespace, where dockerd listens on tcp://10.77.INDEX.2:2376 (plain TCP: a test host
# is reachable only from this machine), and the bridge 172.(18+INDEX%13).0.1/24 (only inside the namespace), away from the
# main engine's 172.17/16. dockerd runs under nsenter --net (not `ip netns exec`, which remounts
# /sys and hides the cgroups), with its own data root, exec root, pid file, socket and containerd.
# iptables stays on: the rules it writes live in the namespace's own tables, so the main engine's
# networking (the host's tables) is untouched. Everything is idempotent: `up` after a crashed run
# reuses or rebuilds what is left; `down` removes whatever exists.
set -euo pipefail

cmd=${1:?usage: test-host.sh up|down|restart|stop|start|freeze|thaw|cut|mend|status NAME INDEX}
name=${2:?NAME}
index=${3:?INDEX}
[[ $name =~ ^[a-z0-9][a-z0-9-]{0,11}$ ]] || { echo "NAME must be 1-12 of [a-z0-9-]" >&2; exit 2; }
[[ $index =~ ^[0-9]+$ ]] && [ "$index" -ge 1 ] && [ "$index" -le 250 ] || { echo "INDEX must be 1..250" >&2; exit 2; }

netns=mth-$name
veth_host=mth${index}h
veth_ns=mth${index}n
host_ip=10.77.$index.1
ns_ip=10.77.$index.2
bip=172.$((18 + index % 13)).0.1/24
root=/var/lib/mooring-test-hosts/$name
run=/run/mooring-th/$name
sock=$run/docker.sock
pidfile=$run/dockerd.pid
log=$root/dockerd.log
endpoint=tcp://$ns_ip:2376

dockerd_pid() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa dockerd "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

answers() {
  timeout 5 docker -H "unix://$sock" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

wait_answers() {
  for _ in $(seq 1 120); do
    answers && timeout 5 docker -H "$endpoint" version >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "test host $name: dockerd did not answer; see $log" >&2
  tail -20 "$log" >&2 || true
  return 1
}

network_up() {
  mkdir -p /var/run/netns
  [ -e "/var/run/netns/$netns" ] || ip netns add "$netns"
  if ! ip link show "$veth_host" >/dev/null 2>&1; then
    ip -n "$netns" link del "$veth_ns" 2>/dev/null || true
    ip link add "$veth_host" type veth peer name "$veth_ns"
    ip link set "$veth_ns" netns "$netns"
  fi
  ip addr replace "$host_ip/24" dev "$veth_host"
  ip link set "$veth_host" up
  ip -n "$netns" addr replace "$ns_ip/24" dev "$veth_ns"
  ip -n "$netns" link set "$veth_ns" up
  ip -n "$netns" link set lo up
  ip -n "$netns" route replace default via "$host_ip"
  # while the veth is down (cut) its route goes: this one keeps the addresses off the default route
  ip route replace unreachable "10.77.$index.0/24" metric 4096
}

start_dockerd() {
  if dockerd_pid >/dev/null; then
    wait_answers
    return
  fi
  mkdir -p "$root/data" "$run"
  rm -f "$pidfile" "$sock"
  # a crashed run may leave its containerd behind: it holds the exec root's socket
  pkill_exact "$run/exec"
  nsenter --net="/var/run/netns/$netns" setsid dockerd \
    --data-root "$root/data" --exec-root "$run/exec" --pidfile "$pidfile" \
    -H "unix://$sock" -H "$endpoint" --tls=false --bip "$bip" \
    --cgroup-parent "mooring-th-$name" --userland-proxy=false \
    >>"$log" 2>&1 </dev/null &
  disown || true
  wait_answers
}

# Ends the processes (this host's dockerd and containerd/shims) whose command line names $1 exactly:
# only this host's own directories, so nothing of the main engine or another host is touched.
pkill_exact() {
  local pid
  for pid in $(pgrep -f -- "$1" || true); do
    grep -qa -- "$1" "/proc/$pid/cmdline" 2>/dev/null && kill -"${2:-TERM}" "$pid" 2>/dev/null || true
  done
}

stop_dockerd() {
  local pid
  if pid=$(dockerd_pid); then
    kill -CONT "$pid" 2>/dev/null || true
    pkill_exact "$run/exec" CONT
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  # What a reboot would leave clean: dockerd 20.10 may exit before it has unmounted the layers of
  # the containers it stopped, and the next dockerd can then never remove those containers
  # ("failed to remove root filesystem ... device or resource busy").
  pkill_exact "$run/exec" KILL
  unmount_below "$root/data"
  unmount_below "$run/exec"
}

unmount_below() {
  { grep -E " $1/" /proc/self/mounts || true; } | awk '{print $2}' | sort -r \
    | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
}

load_image() {
  local image=mooring-test/busybox:1
  docker -H "unix://$sock" image inspect "$image" >/dev/null 2>&1 && return
  # the main engine's copy may be re-imported by a setup run at this very moment: try again
  for _ in 1 2 3 4 5; do
    docker save "$image" | docker -H "unix://$sock" load >/dev/null && return
    sleep 2
  done
  return 1
}

case "$cmd" in
  up)
    network_up
    start_dockerd
    load_image
    echo "$endpoint"
    ;;
  start)
    start_dockerd
    ;;
  stop)
    stop_dockerd
    ;;
  restart)
    stop_dockerd
    start_dockerd
    ;;
  freeze)
    pid=$(dockerd_pid) || { echo "test host $name: dockerd not running" >&2; exit 1; }
    kill -STOP "$pid"
    ;;
  thaw)
    pid=$(dockerd_pid) || { echo "test host $name: dockerd not running" >&2; exit 1; }
    kill -CONT "$pid"
    ;;
  cut)
    ip link set "$veth_host" down
    ;;
  mend)
    ip link set "$veth_host" up
    ip -n "$netns" route replace default via "$host_ip" 2>/dev/null || true
    ;;
  status)
    answers
    ;;
  down)
    if answers; then
      ids=$(docker -H "unix://$sock" ps -aq)
      [ -z "$ids" ] || docker -H "unix://$sock" rm -f $ids >/dev/null 2>&1 || true
    fi
    stop_dockerd
    unmount_below "$root"
    unmount_below "$run"
    ip link del "$veth_host" 2>/dev/null || true
    ip route del unreachable "10.77.$index.0/24" metric 4096 2>/dev/null || true
    [ ! -e "/var/run/netns/$netns" ] || ip netns del "$netns"
    rm -rf "$root" "$run"
    ;;
  *)
    echo "unknown command $cmd" >&2
    exit 2
    ;;
esac
