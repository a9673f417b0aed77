#!/usr/bin/env bash
# Installs everything Vozvrat needs on a fresh machine, idempotently: the project's virtual
# environment (.venv) with its dependencies. Later parts (peers, speech models, the Rasa
# environment) add their steps here, so that the README's two commands stay all a newcomer needs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PIP_CACHE_DIR="$ROOT/.cache/pip"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

find_python() {
    for candidate in python3.11 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 13))' 2>/dev/null; then
            command -v "$candidate"
            return
        fi
    done
    echo "Vozvrat needs Python 3.11 or 3.12 (pyVoIP uses audioop, removed in 3.13)" >&2
    exit 1
}

# Debian packages the project runs or tests against; each part adds its own to this list.
APT_PACKAGES=(
)

setup_apt() {
    local missing=() package
    for package in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
            missing+=("$package")
    done
    [[ ${#missing[@]} -eq 0 ]] && return
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_venv() {
    local stamp=".venv/.installed" want
    want=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
        return
    fi
    if [[ ! -x .venv/bin/python ]]; then
        log "creating .venv"
        "$(find_python)" -m venv .venv
    fi
    log "installing Vozvrat and its dependencies into .venv"
    .venv/bin/pip install --quiet --upgrade pip
    .venv/bin/pip install --quiet -e '.[dev]'
    echo "$want" > "$stamp"
}

# The SMSC simulator the SMS tests and benchmark run against (npm `smpp`, pinned by its lock file).
setup_smsc_simulator() {
    local dir=tests/peers/smsc stamp want
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
    "$(find_python)" -m venv "$venv"
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

setup_apt
setup_venv
setup_smsc_simulator
setup_jasmin
setup_postfix
