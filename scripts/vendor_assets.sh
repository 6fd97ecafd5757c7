#!/usr/bin/env sh
# Install the map's browser assets so the app works with no internet.
#
# Leaflet and its plugins come from the npm registry at the versions pinned in
# package.json / package-lock.json (`npm ci`); the heat-map plugin comes from
# the installed folium wheel (PyPI). Everything is copied to static/vendor/,
# which Streamlit serves at /app/static/vendor/ (server.enableStaticServing).
# Nothing here is committed: static/vendor/ and node_modules/ are gitignored.
#
# Usage: scripts/vendor_assets.sh [PYTHON]   (PYTHON defaults to .venv/bin/python)
# Idempotent: re-running it replaces static/vendor/ with the same files.
set -eu
cd "$(dirname "$0")/.."
PY="${1:-.venv/bin/python}"
OUT=static/vendor

if ! command -v npm >/dev/null 2>&1; then
    echo "npm is needed to install the map's Leaflet files: apt-get install npm (or nodejs)" >&2
    exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi

rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp"
cp -R node_modules/leaflet/dist "$OUT.tmp/leaflet"
mkdir -p "$OUT.tmp/jquery" "$OUT.tmp/markercluster" "$OUT.tmp/fullscreen" "$OUT.tmp/measure" "$OUT.tmp/locate" "$OUT.tmp/heat"
cp node_modules/jquery/dist/jquery.min.js "$OUT.tmp/jquery/"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css "$OUT.tmp/markercluster/"
cp node_modules/leaflet.fullscreen/Control.FullScreen.js \
   node_modules/leaflet.fullscreen/Control.FullScreen.css \
   node_modules/leaflet.fullscreen/icon-fullscreen.svg "$OUT.tmp/fullscreen/"
cp node_modules/leaflet-measure/dist/leaflet-measure.js \
   node_modules/leaflet-measure/dist/leaflet-measure.css "$OUT.tmp/measure/"
cp -R node_modules/leaflet-measure/dist/images "$OUT.tmp/measure/images"
cp node_modules/leaflet.locatecontrol/dist/L.Control.Locate.min.js \
   node_modules/leaflet.locatecontrol/dist/L.Control.Locate.min.css "$OUT.tmp/locate/"
FOLIUM_TEMPLATES="$("$PY" -c 'import folium, pathlib; print(pathlib.Path(folium.__file__).parent / "templates")')"
cp "$FOLIUM_TEMPLATES/leaflet_heat.min.js" "$OUT.tmp/heat/"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
echo "Map assets installed in $OUT"
