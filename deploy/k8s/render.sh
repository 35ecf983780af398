#!/usr/bin/env bash
# Renders each overlay with the real kustomize (kubectl kustomize, or kustomize build) into
# rendered/<overlay>.yaml. Run it after changing anything under base/ or overlays/: the unit
# tests (test/deploy/manifests.test.ts) check that these files match the sources.
set -euo pipefail
cd "$(dirname "$0")"
if command -v kustomize >/dev/null; then build=(kustomize build); else build=(kubectl kustomize); fi
mkdir -p rendered
for overlay in overlays/*/; do
  name=$(basename "$overlay")
  { echo "# Rendered from overlays/$name by deploy/k8s/render.sh; do not edit."; "${build[@]}" "$overlay"; } > "rendered/$name.yaml"
  echo "rendered/$name.yaml"
done
