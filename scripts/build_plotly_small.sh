#!/usr/bin/env bash
# Build knn_ui/vendor/plotly-small-<version>.min.js: plotly.js's core (the scatter trace) with
# the contour and heatmap traces, from npm's plotly.js of the version the installed plotly
# package ships, in plotly.js's documented modular way (lib/core + Plotly.register) and with
# the esbuild settings of its own bundles. The plots load it instead of the package's full
# bundle (4.8 MB) whenever their figure has no other trace type (see knn_ui/canvas.py): it
# runs in a quarter of the time. Run after upgrading plotly in requirements.txt; needs npm,
# which only this script uses. tests/test_canvas.py checks the versions agree.
set -euo pipefail
cd "$(dirname "$0")/.."
ESBUILD=0.28.2
version=$(python -c "from plotly.offline import get_plotlyjs_version as v; print(v())")
out="knn_ui/vendor/plotly-small-$version.min.js"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo '{"private": true}' >"$work/package.json"
cat >"$work/entry.js" <<'JS'
"use strict";
var Plotly = require("plotly.js/lib/core");
Plotly.register([require("plotly.js/lib/contour"), require("plotly.js/lib/heatmap")]);
module.exports = Plotly;
JS
(cd "$work" && npm install --silent --no-audit --no-fund --ignore-scripts \
  "plotly.js@$version" "esbuild@$ESBUILD")
banner="/**
* plotly.js (small: scatter, contour, heatmap - minified) v$version
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* Built by scripts/build_plotly_small.sh from npm plotly.js@$version with esbuild@$ESBUILD.
*/"
(cd "$work" && npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --target=es2016 --define:global=window --define:define.amd=false \
  --define:process.env.NODE_DEBUG=false --loader:.css=empty --legal-comments=eof \
  "--banner:js=$banner" --log-level=warning --outfile=bundle.js)
rm -f knn_ui/vendor/plotly-*.min.js
cp "$work/bundle.js" "$out"
cp "$work/node_modules/plotly.js/LICENSE" knn_ui/vendor/LICENSE-plotly.js.txt
echo "$out"
