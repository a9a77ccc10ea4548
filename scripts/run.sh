#!/usr/bin/env bash
# The quick start: makes sure a Docker engine runs (installs Debian's docker.io if needed) and
# the example image exists, builds Mooring when its jar is missing or older than the sources,
# and runs it in the foreground on http://localhost:8080 with its embedded database in ./data.
# Extra arguments go to the JVM, e.g.  bash scripts/run.sh -Dquarkus.http.port=9090
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-engine.sh
jar=target/quarkus-app/quarkus-run.jar
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
  echo "run: building Mooring"
  mvn -B -q -ntp package -DskipTests
fi
exec java "$@" -jar "$jar"
