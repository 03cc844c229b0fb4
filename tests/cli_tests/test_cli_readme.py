"""Every command of the CLI and every option of each appears in README.md.

The commands and options are read from the Click group itself, so a new one fails this
test until the README documents it.
"""

from __future__ import annotations

import re

import click
from searchlib.cli import main

from tests.shared import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _mentioned(flag: str, text: str = README) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text) is not None


def synopsis(name: str) -> str:
    """The README's synopsis of one command: its ``searchlib NAME`` line and the indented
    lines that continue it."""
    m = re.search(rf"^searchlib {name}\b.*(?:\n {{2,}}\S.*)*", README, re.M)
    return m.group(0) if m else ""


def _options(command: click.Command) -> list[str]:
    return [opt for p in command.params if isinstance(p, click.Option)
            for opt in (*p.opts, *p.secondary_opts)]


def test_the_walk_sees_the_commands():
    assert {"index", "search", "delete", "stats"} <= set(main.commands)


def test_every_command_has_a_synopsis_line():
    for name in main.commands:
        assert re.search(rf"^searchlib {name}\b", README, re.M), f"README: no `searchlib {name}`"


def test_every_option_is_in_the_readme():
    ctx = click.Context(main)
    shared = set.intersection(*(set(_options(c)) for c in main.commands.values()))
    assert "--index" in shared  # described once, for every command
    missing = [f"{name} {opt}" for name, cmd in main.commands.items()
               for opt in _options(cmd)
               if not (_mentioned(opt) if opt in shared else _mentioned(opt, synopsis(name)))]
    missing += [opt for opt in _options(main) + main.get_help_option_names(ctx)
                if not _mentioned(opt)]
    assert not missing, f"README.md does not mention: {', '.join(missing)}"
