"""Generate the README's settings table and command reference from the code.

    python scripts/docs.py    # `make docs`: rewrite README.md in place

Each generated part sits between ``<!-- generated: NAME -->`` and ``<!-- end generated -->``
in README.md; the rest of the README is left alone. tests/test_docs.py fails when the README
differs from what this script renders.
"""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Callable
from pathlib import Path

import click
import typer.main

from earnest.cli import app
from earnest.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def settings_table() -> str:
    """One row per setting: its variable, its default and the Field's description."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        default = extra.get("default_text")
        if default is None:
            if field.default is None:
                raise ValueError(f"Settings.{name} is computed when unset: give its Field "
                                 "json_schema_extra={'default_text': ...}")
            default = f"`{_value(field.default)}`"
        if not field.description:
            raise ValueError(f"Settings.{name} has no description")
        rows.append(f"| `EARNEST_{name.upper()}` | {_cell(str(default))} | "
                    f"{_cell(field.description)} |")
    return "\n".join(rows)


def command_reference() -> str:
    """Each command with its arguments, its help and its options with theirs."""
    group = typer.main.get_command(app)
    assert isinstance(group, click.Group)
    parts: list[str] = []
    _commands(group, "earnest", parts)
    return "\n".join(parts)


def _commands(group: click.Group, prefix: str, parts: list[str]) -> None:
    """Each command of ``group``, those of its sub-groups (``earnest models list``) too."""
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            _commands(command, f"{prefix} {name}", parts)
            continue
        arguments = [p.make_metavar() for p in command.params if isinstance(p, click.Argument)]
        usage = " ".join([prefix, name, *arguments])
        parts.append(f"- **`{usage}`**: {_paragraphs(command.help or '')}")
        for param in command.params:
            if isinstance(param, click.Option):
                parts.append(f"  - {_option(param)}")
            elif getattr(param, "help", None):  # a Typer argument with a help text
                parts.append(f"  - `{param.make_metavar()}`: {_markdown(param.help)}")  # type: ignore[attr-defined]


SECTIONS: dict[str, Callable[[], str]] = {
    "settings": settings_table,
    "commands": command_reference,
}


def render(readme: str) -> str:
    """``readme`` with every generated section replaced by what the code says now."""
    for name, generate in SECTIONS.items():
        pattern = re.compile(rf"(<!-- generated: {name} -->\n).*?(<!-- end generated -->)",
                             re.DOTALL)
        match = pattern.search(readme)
        if match is None:
            raise ValueError(f"README.md has no '<!-- generated: {name} -->' section")
        readme = readme[: match.end(1)] + generate() + "\n" + readme[match.start(2):]
    return readme


def _option(option: click.Option) -> str:
    if option.is_flag and option.default is True:
        names = " / ".join([*option.opts, *option.secondary_opts])
    elif option.is_flag:
        names = " / ".join(option.opts)
    else:
        names = f"{' / '.join(option.opts)} {option.make_metavar()}"
    text = getattr(option, "help", None) or ""
    if "[default:" not in text and option.default is not None and option.default is not False:
        shown = option.opts[0] if option.default is True else _value(option.default)
        text = f"{text} [default: {shown}]"
    return f"`{names}`: {_markdown(text)}"


def _value(value: object) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Path):
        return value.as_posix()
    return str(value)


# Help texts are written for the terminal; in Markdown, flags, variables, paths and
# <placeholders> (which would otherwise vanish as HTML tags) become code.
_CODE = re.compile(r"(?<![`\w])(--[\w-]+|EARNEST_\w+[^\s,;\]]*|\.\./[^\s,;\]]+|"
                   r"[\w./]*<\w+>[^\s,;\]]*)")


def _markdown(text: str) -> str:
    """``text`` as one Markdown paragraph, its code-like words in backticks."""
    text = " ".join(text.split())
    return _CODE.sub(lambda m: f"`{m[1].rstrip('.')}`" + "." * m[1].endswith("."), text)


def _paragraphs(text: str) -> str:
    return " ".join(_markdown(p) for p in text.strip().split("\n\n"))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def main() -> int:
    before = README.read_text(encoding="utf-8")
    after = render(before)
    if after != before:
        README.write_text(after, encoding="utf-8")
        print("README.md: generated sections updated")
    else:
        print("README.md: generated sections already current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
