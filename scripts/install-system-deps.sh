#!/usr/bin/env bash
# System packages GridWatch needs beyond Python: Chromium for the browser
# tests, CJK fonts for PDFs and screenshots, poppler for checking PDFs.
# Safe to run again; needs root (apt-get). Without root it says what to install.
set -euo pipefail
PKGS=(chromium fonts-wqy-zenhei fonts-noto-cjk poppler-utils postgresql-15 postgresql-15-postgis-3)
# npm installs the map's Leaflet assets; most machines already have Node.js.
command -v npm >/dev/null 2>&1 || PKGS+=(npm)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${PKGS[*]})"
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "system packages missing: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]} (browser and PDF tests skip without them)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages installed: ${missing[*]}"
