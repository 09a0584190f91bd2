"""The README documents every setting and every command."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from earnest.cli import app
from earnest.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert f"`EARNEST_{field.upper()}`" in README
    assert Settings.model_fields[field].description


@pytest.mark.parametrize("command", sorted(typer.main.get_command(app).commands))
def test_every_command_is_documented(command: str) -> None:
    assert f"`earnest {command}" in README
