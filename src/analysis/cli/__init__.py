"""The ``aimaq`` command: one typer application, one sub-module per room.

Each sub-module defines its commands on its own ``typer.Typer`` and keeps heavy
imports inside the command functions, so ``aimaq --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="aimaq",
    help="Regional inequality in Kazakhstan: data, analysis, pipeline and the trilingual book.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# (module, name of the group or None for top-level commands)
_SUBCOMMANDS: tuple[tuple[str, str | None], ...] = (
    ("analysis.cli.data", "data"),
    ("analysis.cli.run", None),
    ("analysis.cli.book", None),
    ("analysis.cli.verify", None),
)

for _module, _group in _SUBCOMMANDS:
    _sub = importlib.import_module(_module).app
    if _group is None:
        for _command in _sub.registered_commands:
            app.registered_commands.append(_command)
    else:
        app.add_typer(_sub, name=_group)


def main() -> None:
    app()
