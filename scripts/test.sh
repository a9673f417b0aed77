#!/usr/bin/env bash
# The README's test command: set up, then run the whole suite on SQLite and on PostgreSQL.
# Extra arguments go to pytest (e.g. scripts/test.sh -k ledger).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/ensure_postgres.sh
# Pyflakes checks: unused imports, undefined names, shadowed definitions.
.venv/bin/ruff check --quiet --select F --target-version py311 models campaigns dialer voicebot \
    messaging backoffice tests bench
status=0
for db in sqlite postgresql; do
    printf '\n\033[1m=== test suite on %s ===\033[0m\n' "$db"
    # pytest exits 5 when it ran no test; that is a failure here like any other non-zero code.
    .venv/bin/pytest --db "$db" "$@" || status=$?
    if [[ $status -ne 0 ]]; then
        echo "test suite failed on $db (exit $status)" >&2
        exit "$status"
    fi
done
