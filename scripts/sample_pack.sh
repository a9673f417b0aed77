#!/usr/bin/env bash
# A sample court-order pack for a demo account, the same on every run: a generated utility
# exported on a fixed date (fixed seed), imported into its own SQLite file, and one account's
# pack (DOCX and PDF) in var/sample-pack/ or the folder given.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
OUT=${1:-var/sample-pack}
DAY=2026-11-29
ACCOUNT=6200020001
DATA=var/sample-pack-data
URL="sqlite+aiosqlite:///var/sample-pack.db"
rm -rf "$OUT" "$DATA" var/sample-pack.db
.venv/bin/vozvrat demo-data --accounts 40 --as-of "$DAY" --out "$DATA" >/dev/null
.venv/bin/vozvrat import "$DATA" --url "$URL" >/dev/null
.venv/bin/vozvrat docs pack --account "$ACCOUNT" --date "$DAY" --out "$OUT" --url "$URL"
