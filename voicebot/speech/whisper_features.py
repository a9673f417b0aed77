# Copyright (c) 2024-2026, Daily. SPDX-License-Identifier: BSD-2-Clause.
# Portions derived from Hugging Face Transformers (feature_extraction_whisper.py, audio_utils.py),
# Copyright 2022-2023 The HuggingFace Inc. team and the librosa & torchaudio authors,
# Apache License 2.0. Modified by Daily (pipecat-ai 1.14.0, _whisper_features.py) and for Vozvrat.
"""Whisper-style log-mel features, the input of Smart Turn v3, in numpy alone.

Taken from pipecat-ai (which vendored it from transformers) because set-up extracts only the ONNX
files from that wheel, not the package (see scripts/setup.sh).
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

SAMPLE_RATE = 16000
WINDOW_SAMPLES = SAMPLE_RATE * 8
_N_FFT = 400
_HOP_LENGTH = 160
_N_MELS = 80
_MEL_FLOOR = 1e-10
_NORM_VARIANCE_EPS = 1e-7


def _hertz_to_mel(freq: np.ndarray) -> np.ndarray:
    """Slaney mel scale."""
    freq = np.atleast_1d(np.asarray(freq, dtype=np.float64))
    mels = 3.0 * freq / 200.0
    log_region = freq >= 1000.0
    mels[log_region] = 15.0 + np.log(freq[log_region] / 1000.0) * (27.0 / np.log(6.4))
    return mels


def _mel_to_hertz(mels: np.ndarray) -> np.ndarray:
    mels = np.atleast_1d(np.asarray(mels, dtype=np.float64))
    freq = 200.0 * mels / 3.0
    log_region = mels >= 15.0
    freq[log_region] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mels[log_region] - 15.0))
    return freq


def _mel_filterbank() -> np.ndarray:
    """Slaney-normalised triangular filters, shape (frequency bins, mels)."""
    mel_freqs = np.linspace(_hertz_to_mel(np.array([0.0]))[0],
                            _hertz_to_mel(np.array([SAMPLE_RATE / 2.0]))[0], _N_MELS + 2)
    filter_freqs = _mel_to_hertz(mel_freqs)
    fft_freqs = np.linspace(0, SAMPLE_RATE // 2, _N_FFT // 2 + 1)
    filter_diff = np.diff(filter_freqs)
    slopes = np.expand_dims(filter_freqs, 0) - np.expand_dims(fft_freqs, 1)
    down_slopes = -slopes[:, :-2] / filter_diff[:-1]
    up_slopes = slopes[:, 2:] / filter_diff[1:]
    filters = np.maximum(np.zeros(1), np.minimum(down_slopes, up_slopes))
    return filters * np.expand_dims(2.0 / (filter_freqs[2:_N_MELS + 2] - filter_freqs[:_N_MELS]), 0)


_HANN_WINDOW = np.hanning(_N_FFT + 1)[:-1]
_MEL_FILTERS = _mel_filterbank()


def log_mel_features(audio: np.ndarray) -> np.ndarray:
    """Float32 (80, 800) features of 8 s of 16 kHz audio (zero-padded or cut at the end)."""
    x = np.asarray(audio, dtype=np.float32)
    if x.size < WINDOW_SAMPLES:
        x = np.pad(x, (0, WINDOW_SAMPLES - x.size))
    x = x[:WINDOW_SAMPLES]
    x = (x - x.mean()) / np.sqrt(x.var() + _NORM_VARIANCE_EPS)
    pad = _N_FFT // 2
    padded = np.pad(x.astype(np.float64), (pad, pad), mode="reflect")
    windows = sliding_window_view(padded, _N_FFT)[::_HOP_LENGTH]
    power = (np.abs(np.fft.rfft(windows * _HANN_WINDOW, axis=-1)) ** 2).T
    log_spec = np.log10(np.maximum(_MEL_FLOOR, _MEL_FILTERS.T @ power))[:, :-1]
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).astype(np.float32)
