#!/usr/bin/env bash
# The peers the messaging tests and benchmark run against, installed idempotently (called by
# scripts/setup.sh): the SMSC simulator (npm `smpp`), the Jasmin SMS gateway in its own virtual
# environment, and Debian's postfix (local only; the tests run private instances of it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PIP_CACHE_DIR="$ROOT/.cache/pip"
# The project's Python (Jasmin 0.11 runs on 3.11 like the project).
PYTHON=$ROOT/.venv/bin/python

log() { printf '\033[1m[setup-messaging]\033[0m %s\n' "$*" >&2; }

# The SMSC simulator the SMS tests and benchmark run against (npm `smpp`, pinned by its lock file).
setup_smsc_simulator() {
    local dir=messaging/peers/smsc stamp want
    stamp=$dir/node_modules/.installed
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    [[ -f $stamp && $(cat "$stamp") == "$want" ]] && return
    if ! command -v npm >/dev/null 2>&1; then
        log "installing Debian packages: nodejs npm"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    fi
    log "installing the SMSC simulator (npm ci)"
    (cd "$dir" && npm ci --silent --no-audit --no-fund --cache "$ROOT/.cache/npm")
    echo "$want" > "$stamp"
}

# A real SMS gateway for one SMS test: Jasmin 0.11.0 (0.11.1 sends no receipts, jookies/jasmin#1236)
# in a virtual environment of its own; its AMQP spec files ship only in its source archive.
setup_jasmin() {
    local venv=.cache/venv-jasmin version=0.11.0 sdist
    [[ -f $venv/.installed && $(cat "$venv/.installed") == "$version" ]] && return
    log "installing the Jasmin $version SMS gateway into $venv"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/pip" install --quiet "jasmin==$version"
    sdist=$(mktemp -d)
    "$venv/bin/pip" download --quiet --no-deps --no-binary :all: -d "$sdist" "jasmin==$version"
    tar xzf "$sdist/jasmin-$version.tar.gz" -C "$sdist"
    mkdir -p "$venv/resource"
    cp "$sdist/jasmin-$version/misc/config/resource/"*.xml "$venv/resource/"
    rm -rf "$sdist"
    echo "$version" > "$venv/.installed"
}

# Debian's postfix for one email test, which runs a private instance of its own. Preseeded
# "Local only" so the package never configures a listener beyond loopback; its default
# instance is not started (the test starts and stops its own).
setup_postfix() {
    dpkg-query -W -f='${Status}' postfix 2>/dev/null | grep -q "ok installed" && return
    log "installing Debian package: postfix (local only)"
    export DEBIAN_FRONTEND=noninteractive
    echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
    echo "postfix postfix/mailname string vozvrat.test" | debconf-set-selections
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postfix >/dev/null
}

setup_smsc_simulator
setup_jasmin
setup_postfix
