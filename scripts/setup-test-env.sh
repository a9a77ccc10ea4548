#!/usr/bin/env bash
# Sets up everything Mooring's tests need on a fresh Debian 12 machine, idempotently:
#   - Debian's docker.io (dockerd), started when nothing answers on /var/run/docker.sock
#   - the local test image mooring-test/busybox:1 (docker import of busybox-static; no registry pull)
#   - Debian's PostgreSQL, started, with role/database "mooring" for the PostgreSQL test runs
#   - docker-registry and docker-compose (used by later tests and the benchmark)
set -euo pipefail

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd || need+=(busybox-static)
command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /usr/lib/postgresql ] || need+=(postgresql)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- Docker engine -----------------------------------------------------------
if ! timeout 5 docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd"
  nohup dockerd >/tmp/mooring-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    timeout 5 docker info >/dev/null 2>&1 && break
    sleep 1
  done
  timeout 5 docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /tmp/mooring-dockerd.log" >&2; exit 1; }
fi

# --- Test image: Debian's static busybox, imported as a root file system -----
if ! docker image inspect mooring-test/busybox:1 >/dev/null 2>&1; then
  echo "setup: building mooring-test/busybox:1"
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,tmp,www,etc,data}
  cp /bin/busybox "$root/bin/busybox"
  for app in $("$root/bin/busybox" --list); do
    [ "$app" = busybox ] || ln -sf busybox "$root/bin/$app"
  done
  chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  echo 'nogroup:x:65534:' >> "$root/etc/group"
  echo 'hello from mooring' > "$root/www/index.html"
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/bin' \
    --change 'CMD ["sh"]' \
    --change 'LABEL dev.mooring.test-image=true' \
    - mooring-test/busybox:1 >/dev/null
  rm -rf "$root"
fi

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
