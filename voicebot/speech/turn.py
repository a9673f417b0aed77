"""End-of-turn detection with Smart Turn v3.2 (multilingual, Russian included; ONNX from the
pipecat-ai wheel): after a short pause, is the debtor done or only thinking? Answering on a short
pause alone cuts people off mid-sentence; waiting for a long one makes the bot slow."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import onnxruntime

from voicebot.speech.audio import SAMPLE_RATE
from voicebot.speech.resample import resample
from voicebot.speech.whisper_features import SAMPLE_RATE as MODEL_RATE
from voicebot.speech.whisper_features import WINDOW_SAMPLES, log_mel_features

# The model looks at the last 8 s of the turn.
TURN_WINDOW_SAMPLES = WINDOW_SAMPLES * SAMPLE_RATE // MODEL_RATE


@cache
def load_turn_model(path: Path) -> onnxruntime.InferenceSession:
    if not path.is_file():
        raise FileNotFoundError(f"no Smart Turn model at {path} (run scripts/setup.sh)")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), sess_options=options,
                                        providers=["CPUExecutionProvider"])


def turn_complete_probability(model: onnxruntime.InferenceSession, audio: np.ndarray) -> float:
    """Probability that the turn in ``audio`` (line-rate float samples, ending at the pause) is
    complete. Blocking (tens of ms): call it from a worker thread."""
    recent = resample(audio[-TURN_WINDOW_SAMPLES:], SAMPLE_RATE, MODEL_RATE)
    # Left-padded with silence to 8 s: the model expects the turn's end at the window's end.
    recent = np.pad(recent, (WINDOW_SAMPLES - recent.size, 0))
    features = log_mel_features(recent)[np.newaxis]
    (probability,) = model.run(None, {"input_features": features})[0][0]
    return float(probability)
