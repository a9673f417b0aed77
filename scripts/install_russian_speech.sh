#!/usr/bin/env bash
# Installs the production Russian speech models, which no package registry carries: the vosk
# Russian model (ASR) and a Russian piper voice (TTS), into var/speech-models/, then prints the
# [speech] settings that use them. Needs internet; where there is none it fails and says so (copy
# var/speech-models/ from a machine that has it instead).
#   bash scripts/install_russian_speech.sh [--large]   # --large: the 1.8 GB server vosk model
set -euo pipefail
cd "$(dirname "$0")/.."
VOSK_BASE=${VOZVRAT_VOSK_MODELS_URL:-https://alphacephei.com/vosk/models}
PIPER_BASE=${VOZVRAT_PIPER_VOICES_URL:-https://huggingface.co/rhasspy/piper-voices/resolve/main}
VOSK_MODEL=vosk-model-small-ru-0.22
[[ ${1:-} == --large ]] && VOSK_MODEL=vosk-model-ru-0.42
PIPER_VOICE=ru/ru_RU/irina/medium/ru_RU-irina-medium
DEST=var/speech-models

fetch() {
    local url=$1 out=$2
    if ! curl --fail --location --silent --show-error --connect-timeout 15 -o "$out.part" "$url"; then
        rm -f "$out.part"
        echo "cannot download $url: no internet access here? Copy $DEST/ from a machine with" \
             "access, or set [speech] vosk_model / piper_voice to models you have." >&2
        exit 1
    fi
    mv "$out.part" "$out"
}

mkdir -p "$DEST"
if [[ ! -d $DEST/$VOSK_MODEL ]]; then
    fetch "$VOSK_BASE/$VOSK_MODEL.zip" "$DEST/$VOSK_MODEL.zip"
    unzip -q -o "$DEST/$VOSK_MODEL.zip" -d "$DEST"
    rm "$DEST/$VOSK_MODEL.zip"
fi
voice=$DEST/$(basename "$PIPER_VOICE").onnx
[[ -f $voice ]] || fetch "$PIPER_BASE/$PIPER_VOICE.onnx" "$voice"
[[ -f $voice.json ]] || fetch "$PIPER_BASE/$PIPER_VOICE.onnx.json" "$voice.json"

cat <<TOML
Installed. Put this in vozvrat.toml:
[speech]
vosk_model = "$PWD/$DEST/$VOSK_MODEL"
tts = "piper"
piper_voice = "$PWD/$voice"
TOML
