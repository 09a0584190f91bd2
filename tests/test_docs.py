"""The README documents every setting and every command, as the code defines them."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
import typer.main

from earnest.cli import app
from earnest.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def load_docs_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("earnest_docs_script", ROOT / "scripts/docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_sections_are_current() -> None:
    expected = load_docs_script().render(README)
    diff = "".join(difflib.unified_diff(README.splitlines(keepends=True),
                                        expected.splitlines(keepends=True),
                                        "README.md", "generated", n=1))
    assert not diff, f"README.md is out of date: run `make docs`\n{diff}"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert Settings.model_fields[field].description
    assert f"| `EARNEST_{field.upper()}` |" in README


@pytest.mark.parametrize("command", sorted(typer.main.get_command(app).commands))
def test_every_command_is_documented(command: str) -> None:
    assert f"- **`earnest {command}" in README


def test_a_stale_section_is_replaced() -> None:
    docs = load_docs_script()
    stale = README.replace("| `EARNEST_PORT` | `8000` |", "| `EARNEST_PORT` | `8080` |")
    assert stale != README
    assert docs.render(stale) == README

