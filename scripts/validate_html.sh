#!/usr/bin/env bash
# Validate HTML files with the Nu HTML checker (vnu), offline, errors only.
#
#   scripts/validate_html.sh FILE.html...     validate (installs vnu.jar first if missing)
#   scripts/validate_html.sh --install        only install vnu.jar (what CI runs once)
#
# vnu.jar comes from the npm package `vnu-jar` (the jar is inside the package; nothing else is
# downloaded) into ${VNU_DIR:-$HOME/.cache/tracker-vnu}; it needs Java 17 (apt-get install -y
# openjdk-17-jre-headless) and npm (apt-get install -y npm). The tests look for the jar in the
# same place, or at $VNU_JAR.
set -euo pipefail
dir=${VNU_DIR:-$HOME/.cache/tracker-vnu}
jar=${VNU_JAR:-$dir/node_modules/vnu-jar/build/dist/vnu.jar}
if [ ! -f "$jar" ]; then
  command -v npm >/dev/null || { echo "validate_html.sh: npm not found (apt-get install -y npm)" >&2; exit 1; }
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" vnu-jar >/dev/null
fi
[ -f "$jar" ] || { echo "validate_html.sh: $jar missing after install" >&2; exit 1; }
if [ "${1:-}" = "--install" ]; then
  echo "$jar"
  exit 0
fi
[ $# -gt 0 ] || { echo "usage: scripts/validate_html.sh FILE.html..." >&2; exit 2; }
command -v java >/dev/null || { echo "validate_html.sh: java not found (apt-get install -y openjdk-17-jre-headless)" >&2; exit 1; }
exec java -jar "$jar" --errors-only "$@"
