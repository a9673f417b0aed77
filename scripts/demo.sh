#!/usr/bin/env bash
# The README's first command: set up, then run Vozvrat on the embedded default (SQLite, loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/vozvrat demo "$@"
