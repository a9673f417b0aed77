"""How an import tells the outside how far it is (a terminal bar, a web page's progress)."""
from __future__ import annotations

from typing import Protocol


class ImportProgress(Protocol):
    def file_started(self, name: str, rows: int | None) -> None: ...

    def rows_done(self, count: int) -> None: ...

    def stage(self, description: str) -> None: ...


class SilentProgress:
    def file_started(self, name: str, rows: int | None) -> None:
        pass

    def rows_done(self, count: int) -> None:
        pass

    def stage(self, description: str) -> None:
        pass
