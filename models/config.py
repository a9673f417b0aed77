"""Where Vozvrat's settings come from.

One TOML file (``VOZVRAT_CONFIG``, default ``vozvrat.toml`` in the working directory) holds a
section per package; environment variables ``VOZVRAT_<SECTION>_<KEY>`` override single keys so
that containers and CI can change one value without writing a file. Each package declares its own
pydantic model for its section and reads it with :func:`load_section`.
"""
from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

SectionT = TypeVar("SectionT", bound=BaseModel)


def config_path() -> Path:
    return Path(os.environ.get("VOZVRAT_CONFIG", "vozvrat.toml"))


@cache
def _file_contents(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_section(name: str, model: type[SectionT]) -> SectionT:
    values: dict[str, Any] = dict(_file_contents(config_path()).get(name, {}))
    prefix = f"VOZVRAT_{name.upper()}_"
    for key, value in os.environ.items():
        if key.startswith(prefix):
            values[key[len(prefix):].lower()] = value
    return model.model_validate(values)
