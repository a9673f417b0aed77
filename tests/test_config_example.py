"""The documented example configuration covers every setting the code reads, each explained."""
from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from backoffice.config_example import SECTIONS, example, keys

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "deploy" / "vozvrat.example.toml"
PACKAGES = ("models", "campaigns", "dialer", "voicebot", "messaging", "backoffice")


def sections_read_by_the_code() -> dict[str, str]:
    """Every ``load_section("name", Model)`` in the packages: section name → model class name."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id == "load_section" and len(node.args) == 2
                        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[1], ast.Name)):
                    found[node.args[0].value] = node.args[1].id
    return found


def test_every_section_the_code_reads_is_in_the_example() -> None:
    read = sections_read_by_the_code()
    assert len(read) >= 11
    assert {name: model.__name__ for name, (model, _) in SECTIONS.items()} == read


def test_the_committed_example_is_the_one_the_code_makes() -> None:
    # Fails when a setting is added, renamed or re-explained in code but the example is not
    # regenerated: python -m backoffice.config_example > deploy/vozvrat.example.toml
    assert EXAMPLE.read_text(encoding="utf-8") == example()


def test_every_setting_is_in_the_example_with_an_explanation() -> None:
    documented = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    for section, (model, _) in SECTIONS.items():
        assert set(documented[section]) == set(model.model_fields), section
        for key in keys(section, model):
            assert key.comment, f"[{section}] {key.name} has no explanation"
        # The example's values are valid settings, the defaults themselves.
        assert model.model_validate(documented[section]).model_dump().keys() == model.model_fields.keys()
