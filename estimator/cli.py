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


ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite existing output files.")]


def _load_estimate(file: Path, overrides: list[str]):  # type: ignore[no-untyped-def]
    """The scenario and its estimate, or exit 2 with the problem."""
    from estimator.estimate import estimate as run_estimate
    from estimator.scenario import load_scenario

    try:
        scenario = load_scenario(file, overrides)
        return scenario, run_estimate(scenario)
    except EnvelopeError as error:
        fail(error)
        raise  # unreachable: fail exits


def _diagram_bytes(scenario, result, fmt: str, theme: str, direction: str) -> bytes:  # type: ignore[no-untyped-def]
    """Build and draw the architecture graph; user mistakes exit 2, a missing Graphviz exits 1."""
    from diagrams_lib.graph import build_graph
    from diagrams_lib.render import render
    from estimator.errors import UsageError

    try:
        return render(build_graph(scenario, result), fmt=fmt, theme=theme, direction=direction)
    except EnvelopeError as error:
        fail(error)
    except ValueError as error:  # an unknown theme, format or direction, named with the choices
        fail(UsageError(str(error)))
    except RuntimeError as error:  # Graphviz not installed
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    raise AssertionError("unreachable")


@app.command()
def diagram(
    file: ScenarioFile,
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write, e.g. diagram.png.",
                                         show_default=False)],
    theme: Annotated[str, typer.Option(help="Icon set: onprem, aws, gcp or azure.")] = "onprem",
    format: Annotated[Optional[str], typer.Option(
        "--format", "-f", help="png, svg, pdf or dot (default: from the output's suffix).",
        show_default=False)] = None,
    direction: Annotated[str, typer.Option(help="LR (left to right) or TB (top to bottom).")] = "LR",
    force: ForceOption = False,
    set_: SetOption = None,
) -> None:
    """Draw the scenario's architecture with the estimated numbers on it."""
    from estimator.errors import UsageError
    from estimator.output import check_writable, write_output

    fmt = format or output.suffix.lstrip(".").lower()
    if not fmt:
        fail(UsageError(f"{output}: no suffix to tell the format; add one (.png, .svg, .pdf, .dot) or pass --format"))
    try:
        check_writable(output, force=force)  # before the work, so a refusal is instant
    except EnvelopeError as error:
        fail(error)
    scenario, result = _load_estimate(file, set_ or [])
    data = _diagram_bytes(scenario, result, fmt, theme, direction)
    try:
        write_output(output, data, force=force)
    except EnvelopeError as error:
        fail(error)
    typer.echo(f"wrote {output}")


@app.command()
def report(
    file: ScenarioFile,
    output: Annotated[Path, typer.Option("--output", "-o", help="The directory to write into (created if missing).",
                                         show_default=False)],
    theme: Annotated[str, typer.Option(help="Icon set of the diagram: onprem, aws, gcp or azure.")] = "onprem",
    force: ForceOption = False,
    set_: SetOption = None,
) -> None:
    """Write study notes: DIR/<scenario>.md (the 7 steps, numbers and working) and DIR/<scenario>.png."""
    from estimator.errors import OutputError
    from estimator.notes import to_notes
    from estimator.output import check_writable, slugify, write_output

    scenario, result = _load_estimate(file, set_ or [])
    slug = slugify(scenario.name)
    notes_path, diagram_path = output / f"{slug}.md", output / f"{slug}.png"
    try:
        if output.exists() and not output.is_dir():
            raise OutputError(f"{output}: not a directory")
        for path in (notes_path, diagram_path):  # refuse before writing either file
            if output.is_dir():
                check_writable(path, force=force)
    except EnvelopeError as error:
        fail(error)
    picture = _diagram_bytes(scenario, result, "png", theme, "LR")
    try:
        output.mkdir(parents=True, exist_ok=True)
        write_output(diagram_path, picture, force=force)
        write_output(notes_path, to_notes(scenario, result, diagram_path.name).encode("utf-8"), force=force)
    except OSError as error:
        fail(OutputError(f"{output}: cannot create directory: {error.strerror}"))
    except EnvelopeError as error:
        fail(error)
    typer.echo(f"wrote {notes_path}")
    typer.echo(f"wrote {diagram_path}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files, for editor autocompletion."""
    from estimator.scenario import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(), indent=2))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
