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
    kamailio baresip sip-tester sox
    espeak-ng
    unzip
    curl
)
# legal: PDF of the court documents (LibreOffice headless), a Cyrillic font, pdftoppm/pdftotext.
APT_PACKAGES+=(libreoffice-writer-nogui fonts-dejavu-core poppler-utils)
# web: the backoffice browser tests drive Debian's Chromium through Playwright (no browser download).
APT_PACKAGES+=(chromium)

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

# Silero VAD and Smart Turn v3 ship only inside the pipecat-ai wheel. Installing pipecat-ai whole
# pulls numba, openai, Pillow, resampy and more that the bot never imports, so set-up extracts just
# the two ONNX files (BSD-2) from the pinned wheel into the ignored cache; the voice bot loads them
# with onnxruntime itself (voicebot/speech/vad.py, turn.py).
PIPECAT_WHEEL_VERSION=1.14.0
SPEECH_MODELS=.cache/speech-models

setup_speech_models() {
    local dir="$SPEECH_MODELS/pipecat-$PIPECAT_WHEEL_VERSION" wheel
    [[ -f $dir/silero_vad.onnx && -f $dir/smart-turn-v3.2-cpu.onnx ]] && return
    log "extracting Silero VAD and Smart Turn models from pipecat-ai $PIPECAT_WHEEL_VERSION"
    mkdir -p "$dir" .cache/wheels
    .venv/bin/pip download --quiet --no-deps --dest .cache/wheels "pipecat-ai==$PIPECAT_WHEEL_VERSION"
    wheel=$(ls .cache/wheels/pipecat_ai-"$PIPECAT_WHEEL_VERSION"-*.whl)
    unzip -q -o -j "$wheel" pipecat/audio/vad/data/silero_vad.onnx \
        pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx -d "$dir"
}

setup_apt
setup_venv
bash scripts/setup_rasa.sh
setup_speech_models
bash scripts/setup_messaging.sh
