#!/usr/bin/env bash
# Sets up everything Mooring's tests need on a fresh Debian 12 machine, idempotently:
#   - Debian's docker.io (dockerd), started when nothing answers on /var/run/docker.sock
#   - the local test image mooring-test/busybox:1 (docker import of busybox-static; no registry pull)
#   - Debian's PostgreSQL, started, with role/database "mooring" for the PostgreSQL test runs
#   - docker-registry and docker-compose (used by later tests and the benchmark)
#   - iproute2 and iptables for the test hosts of the fault tests (scripts/test-host.sh)
#   - openssh-server and git: the GitOps ssh test starts its own sshd (never the system one on
#     port 22; the test never reads or changes /etc/ssh) serving git-upload-pack
set -euo pipefail

need=()
command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /usr/lib/postgresql ] || need+=(postgresql)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v git-upload-pack >/dev/null 2>&1 || need+=(git)
# test hosts (scripts/test-host.sh): ip netns and veth pairs; nsenter is util-linux's, always there
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
updated=
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  apt-get update -qq && updated=1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- openssh-server, for its sshd binary only ---------------------------------
# The GitOps ssh test runs /usr/sbin/sshd itself (own config, host key and port under a temp dir).
# The package's service must not start on port 22: a policy-rc.d that says "no" is in place for
# this install unless the machine already has one (containers do), and the unit is not enabled.
if [ ! -x /usr/sbin/sshd ]; then
  echo "setup: installing openssh-server (its service stays stopped)"
  [ -n "$updated" ] || apt-get update -qq
  policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null || { [ -z "$policy" ] || rm -f /usr/sbin/policy-rc.d; exit 1; }
  [ -z "$policy" ] || rm -f /usr/sbin/policy-rc.d
  if [ -d /run/systemd/system ]; then
    systemctl disable --quiet ssh.service ssh.socket 2>/dev/null || true
  fi
fi

# --- Docker engine and the local test image ------------------------------------
bash "$(dirname "$0")/setup-engine.sh"

# --- PostgreSQL --------------------------------------------------------------
if command -v pg_lsclusters >/dev/null 2>&1; then
  ver=$(pg_lsclusters -h | awk 'NR==1{print $1}')
  if [ -z "$ver" ]; then
    ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_createcluster "$ver" main >/dev/null
  fi
  pg_lsclusters -h | awk '{print $4}' | grep -q online || pg_ctlcluster "$ver" main start
  for _ in $(seq 1 30); do
    su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='mooring'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"create role mooring login password 'mooring' createdb\""
  su postgres -c "psql -qtAc \"select 1 from pg_database where datname='mooring_test'\"" | grep -q 1 \
    || su postgres -c "psql -qc 'create database mooring_test owner mooring'"
fi
echo "setup: engine $(docker version --format '{{.Server.Version}}'), image mooring-test/busybox:1, PostgreSQL ready"
