#!/usr/bin/env bash
# Makes sure a Docker engine answers and the local image mooring-test/busybox:1 exists, on a
# fresh Debian 12 machine, idempotently:
#   - Debian's docker.io (dockerd), started when nothing answers on /var/run/docker.sock
#   - mooring-test/busybox:1: `docker import` of Debian's static busybox (no registry pull);
#     it has sh, sleep, httpd, wget, nc. The example and the tests run it.
#   - mooring-test/redis:7: `docker import` of Debian's redis-server binary, the shared libraries
#     ldd lists for it and the busybox root file system (no registry pull). The compose test runs it.
set -euo pipefail

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
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

# --- Test image: Debian's redis-server with its libraries, on the busybox root file system ---
if ! docker image inspect mooring-test/redis:7 >/dev/null 2>&1; then
  echo "setup: building mooring-test/redis:7"
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,tmp,etc,data}
  cp /bin/busybox "$root/bin/busybox"
  for app in $("$root/bin/busybox" --list); do
    [ "$app" = busybox ] || ln -sf busybox "$root/bin/$app"
  done
  chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  redis=$(readlink -f "$(command -v redis-server)")
  cp "$redis" "$root/bin/redis-server"
  # every library ldd names, at the same path, plus the dynamic loader
  for lib in $(ldd "$redis" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/bin' \
    --change 'WORKDIR /data' \
    --change 'EXPOSE 6379' \
    --change 'CMD ["redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"]' \
    --change 'LABEL dev.mooring.test-image=true' \
    - mooring-test/redis:7 >/dev/null
  rm -rf "$root"
  docker run --rm mooring-test/redis:7 redis-server --version >/dev/null \
    || { docker image rm -f mooring-test/redis:7 >/dev/null; echo "mooring-test/redis:7 does not run redis-server" >&2; exit 1; }
fi

echo "engine: $(docker version --format '{{.Server.Version}}'), images mooring-test/busybox:1 and mooring-test/redis:7 ready"
