"""The ``envelope`` command: estimate scenario files from a terminal.

Commands only parse options, call ``estimator`` and print; no arithmetic lives here. Errors
that are the user's to fix print one line per problem to stderr and exit with status 2.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from estimator.errors import EnvelopeError

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"

app = typer.Typer(
    name="envelope",
    help="Back-of-envelope capacity estimates for ML systems, with units checked and the working shown.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"


ScenarioFile = Annotated[Path, typer.Argument(help="A scenario YAML file (see `envelope list` for examples).",
                                              show_default=False)]
SetOption = Annotated[Optional[list[str]], typer.Option(
    "--set", help="Override a value: PATH=VALUE, e.g. --set traffic.daily_active_users='600 million user'. "
                  "Repeatable.", show_default=False)]


def fail(error: EnvelopeError) -> None:
    """Print a user error without a traceback and exit with its status."""
    typer.echo(str(error), err=True)
    raise typer.Exit(error.exit_code)


@app.command()
def estimate(
    file: ScenarioFile,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    set_: SetOption = None,
) -> None:
    """Estimate a scenario: traffic, storage, feature store, serving and cost."""
    from estimator import report
    from estimator.estimate import estimate as run_estimate
    from estimator.scenario import load_scenario

    try:
        result = run_estimate(load_scenario(file, set_ or []))
    except EnvelopeError as error:
        fail(error)
    if format is Format.json:
        sys.stdout.write(report.to_json(result))
    elif format is Format.markdown:
        sys.stdout.write(report.to_markdown(result))
    else:
        from rich.console import Console

        Console().print(report.to_table(result))


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", show_default=False)]) -> None:
    """Check scenario files without estimating; exit 2 if any has a problem."""
    from estimator.scenario import load_scenario

    failed = False
    for file in files:
        try:
            load_scenario(file)
        except EnvelopeError as error:
            typer.echo(str(error), err=True)
            failed = True
        else:
            typer.echo(f"{file}: ok")
    if failed:
        raise typer.Exit(2)


@app.command("list")
def list_scenarios() -> None:
    """List the bundled scenarios with a one-line summary each."""
    from estimator.library import bundled_scenarios

    for entry in bundled_scenarios():
        typer.echo(f"{entry.path.relative_to(SCENARIOS_DIR.parent)}  {entry.name}: {entry.summary}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files, for editor autocompletion."""
    from estimator.scenario import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(), indent=2))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
