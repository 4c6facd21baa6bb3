#!/usr/bin/env bash
# Installs what TradeSeal needs on a fresh Debian 12 / Ubuntu machine, skipping what is
# already there: system packages, Rust (checked), tauri-driver, the UI's npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

need_apt=()
for p in libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev \
         build-essential pkg-config xvfb xauth webkit2gtk-driver imagemagick \
         poppler-utils zbar-tools postgresql xdotool; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: Rust is missing: install it from https://rustup.rs (rustup), then run this again" >&2
  exit 2
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: installing Node.js and npm"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

# The independent checkers of the tests, for whichever python3 is first on the PATH:
# ledger vectors (cryptography), certificate vectors (cbor2), GS1's EPCIS 2.0 JSON schema
# (jsonschema) and XSDs (xmlschema), GS1's reference event-hash tool
# (epcis-event-hash-generator 1.9.3) and GeoJSON validity (shapely).
py_pkgs="jsonschema cryptography cbor2 xmlschema epcis-event-hash-generator==1.9.3 shapely pyjwt"
if ! python3 -c "import jsonschema, cryptography, cbor2, xmlschema, epcis_event_hash_generator, shapely, jwt" 2>/dev/null; then
  echo "setup: installing the Python packages $py_pkgs"
  python3 -m pip install --quiet --user $py_pkgs 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages $py_pkgs
fi

if ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver 2.x"
  cargo install tauri-driver --version '^2' --locked --quiet
fi

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: installing the UI's npm packages from the lock file"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
