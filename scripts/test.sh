#!/usr/bin/env bash
# The test command (README "Run the tests"): sets up the test engine, PostgreSQL and the
# test image, then runs every test (unit, store/API on H2 and PostgreSQL, engine tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-env.sh
mvn -B -ntp verify "$@"
