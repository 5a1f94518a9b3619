#!/usr/bin/env bash
# Render a progress report to PNG with headless Chromium, so anyone can look at it.
#
#   scripts/screenshot.sh [REPORT.html] [OUT.png] [WIDTH] [HEIGHT]
#
# Without REPORT.html it builds the fixture report (bundled commitments + the three updates of
# scripts/demo.sh, as of 2026-06-30) in a temporary database first. Defaults: out/report.png,
# 1200 x 900 (use e.g. 390 2400 for a phone, or a tall HEIGHT for the whole page).
# Needs chromium (apt-get install -y chromium) and a CJK font for the Chinese text: without
# one every Chinese title shows as empty boxes, so fonts-noto-cjk is installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
report=${1:-}
out=${2:-out/report.png}
width=${3:-1200}
height=${4:-900}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "screenshot.sh: chromium not found (apt-get install -y chromium)" >&2
  exit 1
fi
if ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1; then
  echo "screenshot.sh: installing fonts-noto-cjk (Chinese text)" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends fonts-noto-cjk; } >/dev/null 2>&1 ||
    echo "screenshot.sh: could not install fonts-noto-cjk; Chinese will show as boxes" >&2
fi
tracker=${TRACKER:-}
if [ -z "$tracker" ]; then
  if [ -x .venv/bin/tracker ]; then tracker=.venv/bin/tracker; else tracker=tracker; fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$report" ]; then
  export TRACKER_DB="$work/report.db" TRACKER_AUTHOR=screenshot
  "$tracker" import fixtures/miit-2026-01-21.yaml >/dev/null
  "$tracker" update 6g-phase2-trials --status in_progress --progress 30 --on 2026-03-01 \
    --evidence https://www.miit.gov.cn/ --evidence-title "MIIT: phase-two 6G trials under way" \
    --note "Trial networks opened to operators" 2>/dev/null
  "$tracker" update humanoid-robot-standards-guide --status achieved --on 2026-05-20 \
    --evidence https://www.sac.gov.cn/ --evidence-title "Standardization system guide published" 2>/dev/null
  "$tracker" update sme-classification-standards-revision --deadline "2027年6月" --on 2026-06-15 \
    --note "Revision pushed to mid-2027" 2>/dev/null
  report="$work/report.html"
  "$tracker" report --as-of 2026-06-30 --format html --output "$report" 2>/dev/null
fi
mkdir -p "$(dirname "$out")"
abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
abs_out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --disable-quic \
  --hide-scrollbars --user-data-dir="$work/profile" --window-size="$width,$height" \
  --screenshot="$abs_out" "file://$abs_report" >/dev/null 2>&1
echo "$abs_out"
