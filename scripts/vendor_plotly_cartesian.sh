#!/usr/bin/env bash
# Refresh knn_ui/vendor/: plotly.js's cartesian bundle (npm plotly.js-cartesian-dist-min) of the
# version the installed plotly package ships, and its licence. The Playground's first render
# loads this bundle (1.5 MB) instead of the package's full one (4.8 MB) whenever a figure has
# no WebGL trace (see knn_ui/canvas.py). Run after upgrading plotly in requirements.txt; needs
# npm, which only this script uses. tests/test_canvas.py checks the versions agree.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(python -c "from plotly.offline import get_plotlyjs_version as v; print(v())")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "plotly.js-cartesian-dist-min@$version" >/dev/null && tar xzf ./*.tgz)
rm -f knn_ui/vendor/plotly-cartesian-*.min.js
cp "$work/package/plotly-cartesian.min.js" "knn_ui/vendor/plotly-cartesian-$version.min.js"
cp "$work/package/LICENSE" knn_ui/vendor/LICENSE-plotly.js.txt
echo "knn_ui/vendor/plotly-cartesian-$version.min.js"
