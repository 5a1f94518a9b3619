#!/usr/bin/env bash
# The demo on the embedded SQLite default: load the 2026-01-21 commitments, keep them current
# from follow-up documents (scan → review → import), record dated progress with evidence,
# then list, show, the quarterly table and a report.
# It uses its own database file (db/demo.db), recreated on every run, so it is repeatable
# and never touches db/tracker.db.
set -euo pipefail
cd "$(dirname "$0")/.."
export TRACKER_DB=db/demo.db NO_COLOR=${NO_COLOR-}
rm -f db/demo.db db/demo.db-wal db/demo.db-shm
mkdir -p out

run() { printf '\n$ %s\n' "$*"; "$@"; }

run tracker import fixtures/miit-2026-01-21.yaml
# Keeping goals current: scan the follow-up documents, review the proposals, import them.
run tracker quarterly --year 2026 --as-of 2026-03-31
run tracker scan fixtures/followups/ --format table
run tracker scan fixtures/followups/ --output out/followups.yaml
run tracker import out/followups.yaml
run tracker quarterly --year 2026 --as-of 2026-03-31
run tracker scan fixtures/followups/ --format table   # imported: nothing new to propose
run tracker update 6g-phase2-trials --status in_progress --progress 30 --on 2026-03-01 \
    --evidence https://www.miit.gov.cn/ --evidence-title "MIIT: phase-two 6G trials under way" \
    --note "Trial networks opened to operators"
run tracker update humanoid-robot-standards-guide --status achieved --on 2026-05-20 \
    --evidence https://www.sac.gov.cn/ --evidence-title "Standardization system guide published"
run tracker update sme-classification-standards-revision --deadline "2027年6月" --on 2026-06-15 \
    --note "Revision pushed to mid-2027"
run tracker list --as-of 2026-06-30
run tracker show 6g-phase2-trials --as-of 2026-06-30
if tracker quarterly --help >/dev/null 2>&1; then
  run tracker quarterly --year 2026 --as-of 2026-06-30
  run tracker report --as-of 2026-06-30 --format markdown --output out/report.md
  run tracker report --as-of 2026-06-30 --format html --output out/report.html
  printf '\nReports written to out/report.md and out/report.html\n'
fi
printf '\nThe demo database is db/demo.db: TRACKER_DB=db/demo.db tracker list\n'
