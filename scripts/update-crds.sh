#!/usr/bin/env bash
# Regenerates the CRDs from the resource classes in dev.mooring.api (fabric8's CRD generator, run
# by Maven in process-classes) and copies them to crds/ and to the Helm chart (helm/mooring/crds/).
# CrdFilesTest fails the build until the committed files equal the generated ones.
# Secret is generated but not offered as a CRD: a custom resource's values would sit in etcd in
# plain text (see README, "Operator mode"). Extra Maven arguments are passed on (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q "$@" process-classes
for dir in crds helm/mooring/crds; do
  mkdir -p "$dir"
  rm -f "$dir"/*.yml
  for f in target/crds/*.yml; do
    case "$(basename "$f")" in
      secrets.*) ;;
      *) cp "$f" "$dir/" ;;
    esac
  done
done
echo "CRDs updated:"; ls crds
