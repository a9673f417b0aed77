#!/usr/bin/env bash
# Makes sure the machine's PostgreSQL (127.0.0.1:5432, trust auth) answers; starts the cluster
# if it is installed but stopped. Fails loudly: the suite must run on PostgreSQL too.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    exit 0
fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "[postgres] starting cluster $version/main" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
        sleep 1
    done
fi
echo "PostgreSQL is not reachable on 127.0.0.1:5432 and could not be started;" \
     "the test suite must run on PostgreSQL as well as SQLite." >&2
exit 1
