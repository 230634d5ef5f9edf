"""`aimaq` commands of this room (filled in by the room's issue)."""

import typer

app = typer.Typer(no_args_is_help=True)
