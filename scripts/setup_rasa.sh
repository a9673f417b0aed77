#!/usr/bin/env bash
# Rasa 3.6 runs only on Python 3.10, so it lives in its own environment (.venv-rasa) beside the
# project's .venv; the NLU model is then trained into var/rasa/models/, once per version of the
# Rasa project (voicebot/rasa/), so an unchanged project is never retrained.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PIP_CACHE_DIR="$ROOT/.cache/pip"
RASA_VERSION=3.6.21

log() { printf '\033[1m[setup-rasa]\033[0m %s\n' "$*" >&2; }

find_python310() {
    local candidate root
    root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    for candidate in "$root"/versions/3.10*/bin/python3.10 "$HOME"/.pyenv/versions/3.10*/bin/python3.10 \
                     "$(command -v python3.10 || true)"; do
        if [[ -x $candidate ]] && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
            echo "$candidate"
            return
        fi
    done
    echo "Rasa $RASA_VERSION needs Python 3.10: install it with pyenv (pyenv install 3.10) and rerun" >&2
    exit 1
}

setup_rasa_venv() {
    local stamp=".venv-rasa/.installed"
    if [[ -f $stamp && $(cat "$stamp") == "$RASA_VERSION" ]]; then
        return
    fi
    if [[ ! -x .venv-rasa/bin/python ]]; then
        local python
        python=$(find_python310)
        log "creating .venv-rasa with $python"
        "$python" -m venv .venv-rasa
    fi
    log "installing rasa==$RASA_VERSION into .venv-rasa (about 2.7 GB, a few minutes the first time)"
    .venv-rasa/bin/pip install --quiet --upgrade pip
    .venv-rasa/bin/pip install --quiet "rasa==$RASA_VERSION"
    echo "$RASA_VERSION" > "$stamp"
}

train_rasa_model() {
    # Named by a hash of voicebot/rasa/: a no-op when that model exists (see voicebot/nlu/rasa_model.py).
    .venv/bin/python -m voicebot.nlu.rasa_model >/dev/null
}

setup_rasa_venv
train_rasa_model
