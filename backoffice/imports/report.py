"""What an import did: counts per kind and every rejected row with its file and line."""
from __future__ import annotations

from dataclasses import dataclass, field

from backoffice.imports.spec import UpsertCounts


@dataclass(frozen=True, order=True)
class RowError:
    file: str
    line: int  # 0 for a problem with the file as a whole
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


@dataclass
class KindResult:
    kind: str
    title: str
    files: list[str] = field(default_factory=list)
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    bad_rows: int = 0


@dataclass
class ImportReport:
    results: list[KindResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False

    @property
    def rejected(self) -> bool:
        return not self.committed
