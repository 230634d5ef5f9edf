from typer.testing import CliRunner

from analysis.cli import app


def test_top_level_help_lists_rooms():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "data" in result.output
