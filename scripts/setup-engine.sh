#!/usr/bin/env bash
# Makes sure a Docker engine answers and the local image mooring-test/busybox:1 exists, on a
# fresh Debian 12 machine, idempotently:
#   - Debian's docker.io (dockerd), started when nothing answers on /var/run/docker.sock
#   - mooring-test/busybox:1: `docker import` of Debian's static busybox (no registry pull);
#     it has sh, sleep, httpd, wget, nc. The example and the tests run it.
set -euo pipefail

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
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

echo "engine: $(docker version --format '{{.Server.Version}}'), image mooring-test/busybox:1 ready"
