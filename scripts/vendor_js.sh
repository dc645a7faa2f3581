#!/usr/bin/env bash
# Re-fetch the JavaScript that kg's HTML view inlines, at the exact pinned versions,
# from the npm registry (`npm pack`), and check it against the recorded checksums.
# The files are committed under kg/viz/vendor/, so building or viewing a graph
# never touches the network; run this only to re-vendor or to bump a version.
#
#   scripts/vendor_js.sh           fetch, check, and write kg/viz/vendor/
#   scripts/vendor_js.sh --check   fetch and compare with the committed files
set -euo pipefail
cd "$(dirname "$0")/.."

# package@version  file-inside-the-package  vendored-name
PACKAGES=(
  "cytoscape@3.34.4 dist/cytoscape.min.js cytoscape.min.js"
)
VENDOR=kg/viz/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
for entry in "${PACKAGES[@]}"; do
  read -r spec file name <<<"$entry"
  package=${spec%@*}
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tarball=$(ls "$work"/"${package}"-*.tgz)
  mkdir -p "$work/$package"
  tar -xzf "$tarball" -C "$work/$package"
  source_dir="$work/$package/package"
  if [[ "${1:-}" == "--check" ]]; then
    cmp -s "$source_dir/$file" "$VENDOR/$name" || { echo "$VENDOR/$name differs from $spec's $file"; status=1; }
    cmp -s "$source_dir/LICENSE" "$VENDOR/$package.LICENSE" || { echo "$VENDOR/$package.LICENSE differs from $spec's"; status=1; }
  else
    mkdir -p "$VENDOR"
    cp "$source_dir/$file" "$VENDOR/$name"
    cp "$source_dir/LICENSE" "$VENDOR/$package.LICENSE"
    echo "$spec: $file -> $VENDOR/$name ($(sha256sum "$VENDOR/$name" | cut -c1-16)…)"
  fi
done
if [[ "${1:-}" != "--check" ]]; then
  (cd "$VENDOR" && sha256sum ./*.js ./*.LICENSE > SHA256SUMS)
fi
[[ $status -eq 0 && "${1:-}" == "--check" ]] && echo "vendored files match the pinned packages"
exit $status
