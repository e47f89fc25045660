"""The ``envelope`` command: estimate scenario files from a terminal.

Commands only parse options, call ``estimator`` and print; no arithmetic lives here. Errors
that are the user's to fix print one line per problem to stderr and exit with status 2.
"""

# No `from __future__ import annotations` here: typer reads every command's annotations on each
# run, and as strings it compiled and evaluated ~250 of them (3 ms of `envelope estimate`).
import atexit
import codecs
import functools
import gc
import io
import json
import os
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, NoReturn, Optional

import typer

from estimator.cli_help import PlainCommand, PlainGroup
from estimator.errors import EnvelopeError, OptionError, printable
from estimator.vocabulary import ARCHETYPES, THEMES

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"
SCENARIO_SUFFIXES = (".yaml", ".yml")  # what `envelope new` reads as a file to write rather than a name

app = typer.Typer(
    name="envelope",
    help="Back-of-envelope capacity estimates for ML systems, with units checked and the working shown.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help, wrapped to the terminal, never read as markup (estimator/cli_help.py)
    cls=PlainGroup,
)


class Format(str, Enum):
    table = "table"
    compact = "compact"
    markdown = "markdown"
    json = "json"


ScenarioFile = Annotated[Path, typer.Argument(help="A scenario YAML file (see 'envelope list' for examples).",
                                              show_default=False)]
SamplesOption = Annotated[Optional[int], typer.Option(
    "--samples", metavar="N",
    help="Samples of the ranged inputs (default 10,000 when the scenario has ranges; 0: point only).",
    show_default=False)]
SeedOption = Annotated[Optional[int], typer.Option(
    "--seed", metavar="N",
    help="Seed of the sampler (default: Envelope's fixed seed): the same seed gives the same numbers.",
    show_default=False)]
TargetOption = Annotated[str, typer.Option("--target", metavar="RESULT",
                                           help="The result to study, e.g. cost.monthly_total.", show_default=False)]
SetOption = Annotated[Optional[list[str]], typer.Option(
    "--set", metavar="PATH=VALUE",
    help="Override a value, e.g. --set traffic.daily_active_users='600 million user'. Repeatable.",
    show_default=False)]

CatalogOption = Annotated[Optional[Path], typer.Option(
    "--catalog", metavar="FILE",
    help="A price book: YAML shaped like a scenario's catalog section (accelerators and prices), each entry "
         "with source and as_of. Its entries replace the bundled ones; the scenario's own entries win.",
    show_default=False)]


def _book(path: Path | None):  # type: ignore[no-untyped-def]
    """The price book at ``path``, or None."""
    if path is None:
        return None
    from estimator.scenario import load_price_book

    return load_price_book(path)


def fail(error: EnvelopeError) -> NoReturn:
    """Print a user error without a traceback and exit with its status; a setting is named as its flag."""
    typer.echo(error.worded(f"--{error.option}") if isinstance(error, OptionError) else str(error), err=True)
    raise typer.Exit(error.exit_code)


def _wrote(path: Path) -> None:
    """Say which file was written; its name is shown escaped (it may hold control characters)."""
    typer.echo(f"wrote {printable(str(path))}")


def _check_text_options(function: Callable[..., None], values: dict[str, Any]) -> None:
    """Refuse text options that are not UTF-8: Python keeps such bytes as lone surrogates, which
    no file or terminal can take. File names may be any bytes and are left alone."""
    from estimator.errors import UsageError

    for name, value in values.items():
        for text in value if isinstance(value, list) else [value]:
            bad = next((char for char in text if "\udc80" <= char <= "\udcff"), None) if isinstance(text, str) else None
            if bad is not None:
                raise UsageError(f"{_option_label(function, name)}: not UTF-8 text: given byte "
                                 f"0x{ord(bad) - 0xDC00:02x} in '{printable(text)}', expected UTF-8 text")


def _option_label(function: Callable[..., None], name: str) -> str:
    """How a person wrote parameter ``name`` of a command: its first flag (``--set``) or NAME."""
    import inspect
    import typing

    annotation = inspect.signature(function, eval_str=True).parameters[name].annotation
    for info in typing.get_args(annotation)[1:]:
        # In Annotated[..., typer.Option("--set")] typer reads the first flag from `default`.
        flags = [getattr(info, "default", None), *(getattr(info, "param_decls", None) or ())]
        flag = next((flag for flag in flags if isinstance(flag, str) and flag.startswith("-")), None)
        if flag:
            return flag
    return name.upper()


def command(*args: Any, **kwargs: Any) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``app.command`` whose function may raise EnvelopeError: it is printed and exits with status 2.

    One wrapper here instead of a try/except in every command; typer reads the wrapped
    function's signature through ``functools.wraps``.
    """
    def register(function: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(function)
        def run(*call_args: Any, **call_kwargs: Any) -> None:
            try:
                _check_text_options(function, call_kwargs)
                function(*call_args, **call_kwargs)
            except EnvelopeError as error:
                fail(error)

        return app.command(*args, cls=PlainCommand, **kwargs)(run)

    return register


@command()
def estimate(
    file: ScenarioFile,
    format: Annotated[Optional[Format], typer.Option(
        "--format", "-f", help="Output format (default: table on a terminal wide enough for it, else compact: "
                               "one line per result).", show_default=False)] = None,
    set_: SetOption = None,
    samples: SamplesOption = None,
    seed: SeedOption = None,
    catalog: CatalogOption = None,
) -> None:
    """Estimate a scenario: traffic, storage, feature store, serving and cost.

    When inputs are ranges ({low: ..., high: ...}) every result also gets its p5/p50/p95.
    """
    from estimator import report
    from estimator.compose import estimate as run_estimate
    from estimator.scenario import load_scenario
    from estimator.uncertainty import estimate_as_asked, will_sample

    scenario = load_scenario(file, set_ or [], _book(catalog))
    point = None
    if format is Format.table and will_sample(scenario, samples):
        # Too many results even without their percentiles: refused before the samples are drawn.
        point = run_estimate(scenario)
        report.check_table_rows(report.table_rows(point))
    result, spread = estimate_as_asked(scenario, samples, seed, point=point)
    if format is Format.json:
        sys.stdout.write(report.to_json(result, spread))
    elif format is Format.markdown:
        sys.stdout.write(report.to_markdown(result, spread))
    elif format is Format.compact:
        sys.stdout.write(report.to_compact(result, spread))
    else:
        rows = report.table_rows(result, spread)  # counted before rich builds anything
        if format is Format.table:
            report.check_table_rows(rows)
        table = functools.cache(lambda: report.to_table(result, spread))
        if format is None and _auto_format(lambda: report.table_width(table()), rows) == "compact":
            sys.stdout.write(report.to_compact(result, spread))
            return
        from rich.console import Console

        Console().print(table())


def _auto_format(needed: Callable[[], int], rows: int) -> str:
    """The format when none is given: ``report.choose_format`` for standard output. Decided from
    the terminal itself: a pipe never consults COLUMNS, so its output never depends on it."""
    from estimator.report import choose_format

    terminal = sys.stdout.isatty()
    return choose_format(terminal, shutil.get_terminal_size().columns if terminal else 0, needed, rows)


@command()
def validate(files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", show_default=False)],
             catalog: CatalogOption = None) -> None:
    """Check scenario files: exit 2 with the problems any other command would refuse them for.

    Runs what 'envelope estimate FILE' runs: loading checks the file; the point estimate and,
    when the file has ranges, the sampled estimate (estimate's default --samples and --seed)
    check the derived expressions; building the architecture (without networkx or Graphviz)
    checks the ids in the components section. Where the sampling budget holds fewer than the
    default samples of a large file (estimate refuses the option there), the most that fit are
    sampled.
    """
    from diagrams_lib.architecture import check_architecture
    from estimator.scenario import load_scenario
    from estimator.uncertainty import estimate_as_asked

    failed = False
    book = _book(catalog)
    for file in files:
        try:
            scenario = load_scenario(file, (), book)
            check_architecture(scenario, estimate_as_asked(scenario, check=True)[0])
        except EnvelopeError as error:
            typer.echo(str(error), err=True)
            failed = True
        else:
            typer.echo(f"{printable(str(file))}: ok")
    if failed:
        raise typer.Exit(2)


@command("list")
def list_scenarios() -> None:
    """List the bundled scenarios with a one-line summary each."""
    from estimator.library import bundled_scenarios

    for entry in bundled_scenarios():
        typer.echo(f"{entry.path.relative_to(SCENARIOS_DIR.parent)}  {entry.name}: {entry.summary}")


ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite existing output files.")]
ThemeOption = Annotated[str, typer.Option(
    "--theme", metavar="THEME", help=f"Icon set of the diagram: {', '.join(THEMES[:-1])} or {THEMES[-1]}.")]


def _load_estimate(file: Path, overrides: list[str], catalog: Path | None = None):  # type: ignore[no-untyped-def]
    """The scenario (with the price book at ``catalog``, if any) and its estimate."""
    from estimator.compose import estimate as run_estimate
    from estimator.scenario import load_scenario

    scenario = load_scenario(file, overrides, _book(catalog))
    return scenario, run_estimate(scenario)


def _diagram_bytes(graph, fmt: str, theme: str, direction: str) -> bytes:  # type: ignore[no-untyped-def]
    """Draw the architecture graph; a bad theme, format or direction is the user's (exit 2),
    a missing Graphviz is the machine's (exit 1)."""
    from diagrams_lib.labels import font_warnings
    from diagrams_lib.render import RASTER_FORMATS, render
    from estimator.errors import UsageError

    try:
        picture = render(graph, fmt=fmt, theme=theme, direction=direction)
    except ValueError as error:  # an unknown theme, format or direction, named with the choices
        raise UsageError(str(error)) from None
    except RuntimeError as error:  # Graphviz not installed
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    if fmt.lower() in RASTER_FORMATS:  # drawn here, so this machine's fonts decide what shows
        for warning in font_warnings(graph):
            typer.echo(f"warning: {warning}", err=True)
    return picture


@command()
def diagram(
    file: ScenarioFile,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE",
                                         help="The file to write, e.g. diagram.png.", show_default=False)],
    theme: ThemeOption = "onprem",
    format: Annotated[Optional[str], typer.Option(
        "--format", "-f", metavar="FORMAT",
        help="png, svg, pdf, dot, mmd (Mermaid) or d2 (default: from the output's suffix).",
        show_default=False)] = None,
    direction: Annotated[str, typer.Option("--direction", metavar="DIRECTION",
                                           help="LR (left to right), TB (top to bottom), RL or BT.")] = "LR",
    force: ForceOption = False,
    set_: SetOption = None,
    catalog: CatalogOption = None,
) -> None:
    """Draw the scenario's architecture with the estimated numbers on it.

    A .mmd or .d2 output is Mermaid or D2 source for design docs: the same components, stages,
    flows and numbers as the picture, without icons.
    """
    from diagrams_lib.graph import build_graph
    from estimator.errors import UsageError
    from estimator.output import check_writable, write_output

    fmt = format or output.suffix.lstrip(".").lower()
    if not fmt:
        raise UsageError(f"{printable(str(output))}: no suffix to tell the format; add one (.png, .svg, .pdf, .dot, .mmd, .d2) or pass --format")
    check_writable(output, force=force)  # before the work, so a refusal is instant
    scenario, result = _load_estimate(file, set_ or [], catalog)
    write_output(output, _diagram_bytes(build_graph(scenario, result), fmt, theme, direction), force=force)
    _wrote(output)


@command()
def report(
    file: ScenarioFile,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="DIR",
                                         help="The directory to write into (created if missing).",
                                         show_default=False)],
    theme: ThemeOption = "onprem",
    force: ForceOption = False,
    set_: SetOption = None,
    catalog: CatalogOption = None,
) -> None:
    """Write study notes: the 7 steps with their numbers and working, and the diagram.

    The notes go to DIR/NAME.md and the diagram to DIR/NAME.png, NAME being the scenario's name
    as a file name.
    """
    from estimator.errors import OutputError
    from estimator.notes import to_notes
    from estimator.output import check_directory, check_writable, slugify, write_output

    scenario, result = _load_estimate(file, set_ or [], catalog)
    slug = slugify(scenario.name)
    notes_path, diagram_path = output / f"{slug}.md", output / f"{slug}.png"
    if check_directory(output):
        for path in (notes_path, diagram_path):  # refuse before writing either file
            check_writable(path, force=force)
    from diagrams_lib.graph import build_graph
    from diagrams_lib.render import too_large

    graph = build_graph(scenario, result)  # once: the cap's check and the picture share it
    skipped = too_large(graph)
    picture = None if skipped else _diagram_bytes(graph, "png", theme, "LR")
    try:
        output.mkdir(parents=True, exist_ok=True)
        if picture is not None:
            write_output(diagram_path, picture, force=force)
        write_output(notes_path, to_notes(scenario, result, None if skipped else diagram_path.name).encode("utf-8"),
                     force=force)
    except OSError as error:
        raise OutputError(f"{printable(str(output))}: cannot create directory: {error.strerror}") from None
    _wrote(notes_path)
    if skipped:
        typer.echo(f"no diagram: {skipped}", err=True)
    else:
        _wrote(diagram_path)


@command()
def sensitivity(file: ScenarioFile, target: TargetOption, set_: SetOption = None,
                catalog: CatalogOption = None) -> None:
    """Rank the ranged inputs by how far each moves TARGET from its low to its high (a tornado)."""
    from rich import box

    from estimator.compose import estimate as run_estimate
    from estimator.scenario import load_scenario
    from estimator.report import MAX_TABLE_ROWS, over_table_rows
    from estimator.uncertainty import tornado
    from estimator.views.uncertainty import tornado_chart, tornado_table

    scenario = load_scenario(file, set_ or [], _book(catalog))
    chart = tornado_chart(tornado(scenario, target), run_estimate(scenario), target)
    rows = tornado_table(chart)
    caption = "Each input from its low to its high, the others at their medians; largest swing first."
    too_many = over_table_rows(len(rows))
    if too_many:  # largest swing first: what is left out moves the target least
        caption += f" {too_many}: the {len(rows) - MAX_TABLE_ROWS:,} smallest swings are left out."
    _print_table(rows[:MAX_TABLE_ROWS], title=f"{target}: {chart.base_text} with every range at its median",
                 caption=caption, box=box.ROUNDED, fold="Input (low … high)")


@command()
def sweep(
    file: ScenarioFile,
    param: Annotated[str, typer.Option(
        "--param", metavar="PATH=LOW..HIGH",
        help="The input and its range, e.g. traffic.daily_active_users=100M..1B (k, M, B, T shorthands; "
             "a unit is optional).", show_default=False)],
    target: TargetOption,
    steps: Annotated[int, typer.Option("--steps", metavar="N",
                                       help="How many evenly spaced values, ends included.")] = 10,
    csv_path: Annotated[Optional[Path], typer.Option("--csv", metavar="FILE",
                                                     help="Also write the table as CSV to this file.",
                                                     show_default=False)] = None,
    set_: SetOption = None,
    force: ForceOption = False,
    catalog: CatalogOption = None,
) -> None:
    """Move one input from LOW to HIGH and show TARGET at each step (one vectorised pass)."""
    from estimator.report import MAX_TABLE_ROWS, check_table_rows, over_table_rows
    from estimator.scenario import load_scenario
    from estimator.uncertainty import sweep as run_sweep
    from estimator.uncertainty import sweep_bounds
    from estimator.views.sweep import sweep_table

    book = _book(catalog)
    scenario = load_scenario(file, set_ or [], book)
    path, low, high = sweep_bounds(scenario, param, lambda more: load_scenario(file, [*(set_ or []), *more], book))
    swept = run_sweep(scenario, path, low, high, steps, target)  # refuses steps out of range or over budget first
    too_many = over_table_rows(steps)
    if csv_path is None:
        check_table_rows(steps, option="steps",
                         instead=f"write every step with --csv FILE, or ask for at most {MAX_TABLE_ROWS:,} steps")
    else:
        _write_sweep_csv(csv_path, swept, force)
    if too_many:
        typer.echo(f"{too_many}: not shown; the CSV has every step")
    else:
        _print_table(sweep_table(swept), title=f"{target} as {path} moves", no_wrap=True)
    if csv_path is not None:
        _wrote(csv_path)


def _write_sweep_csv(path: Path, swept, force: bool) -> None:  # type: ignore[no-untyped-def]
    """Exact numbers, one row per step; the header names each column's unit."""
    import csv
    import io

    from estimator.output import write_output
    from estimator.uncertainty import sweep_rows, unit_of

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    flagged = any(swept.flags)
    writer.writerow([f"{swept.path} [{unit_of(swept.values)}]", f"{swept.target} [{unit_of(swept.results)}]",
                     *(["above the utilisation knee"] if flagged else [])])
    writer.writerows([[*row.values(), *([swept.flags[i]] if flagged else [])]
                      for i, row in enumerate(sweep_rows(swept))])
    # Atomic and never over an existing file without --force: `--csv scenario.yaml` must not eat the input.
    write_output(path, buffer.getvalue().encode("utf-8"), force=force)


class PlanFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


@command()
def plan(
    file: ScenarioFile,
    format: Annotated[PlanFormat, typer.Option("--format", "-f", help="Output format (csv: the frontier).")] = (
        PlanFormat.table),
    accelerator: Annotated[Optional[list[str]], typer.Option(
        "--accelerator", metavar="NAME",
        help="Search only this catalog accelerator (repeatable); default: the whole catalog.",
        show_default=False)] = None,
    set_: SetOption = None,
) -> None:
    """The cheapest configuration within the latency budget, the frontier of cost against latency, and what to change.

    Searches accelerator, precision and batch size per model and stage, and every input written
    as {choose: [...]}; replicas are sized for the load as the scenario says (serving.size_by).
    """
    from estimator.plan import plan as run_plan
    from estimator.plan import plan_csv, plan_json, plan_table_rows, plan_tables
    from estimator.scenario import load_scenario

    scenario = load_scenario(file, set_ or [])
    if accelerator:
        unknown = [a for a in accelerator if a not in scenario.accelerators()]
        if unknown:
            from estimator.errors import UsageError

            raise UsageError(f"--accelerator: no accelerator {unknown[0]!r} in the catalog; expected one of: "
                             + ", ".join(scenario.accelerators()))
    result = run_plan(scenario, accelerator or None)
    if format is PlanFormat.table:
        from estimator.report import check_table_rows

        check_table_rows(plan_table_rows(result), instead="use --format json or csv")
    if format is PlanFormat.json:
        sys.stdout.write(json.dumps(plan_json(result), indent=2, allow_nan=False) + "\n")
    elif format is PlanFormat.csv:
        sys.stdout.write(plan_csv(result))
    else:
        from rich.console import Console

        console = Console()
        for block in plan_tables(result):
            console.print(block)


@command()
def compare(
    a: Annotated[Path, typer.Argument(help="The first scenario file (A).", show_default=False)],
    b: Annotated[Path, typer.Argument(help="The second scenario file (B).", show_default=False)],
    format: Annotated[Optional[Format], typer.Option(
        "--format", "-f", help="Output format (default: table on a terminal wide enough for it, else compact: "
                               "one line per result).", show_default=False)] = None,
    catalog: CatalogOption = None,
) -> None:
    """Every result of A and B side by side, with the change from A to B; headline results first."""
    from estimator import report
    from estimator.compare import compare as run_compare
    from estimator.compose import estimate as run_estimate
    from estimator.scenario import load_scenario
    from estimator.views.compare import (COLUMNS, comparison_compact, comparison_json, comparison_markdown,
                                         comparison_rows)

    book = _book(catalog)
    first, second = run_estimate(load_scenario(a, (), book)), run_estimate(load_scenario(b, (), book))
    rows = run_compare(first, second)
    if format is Format.json:
        sys.stdout.write(report.strict_json({"a": first.scenario, "b": second.scenario,
                                             "results": comparison_json(rows)}))
        return
    if format is Format.table:
        report.check_table_rows(len(rows))  # one row per result, refused before any is worded
    shown = comparison_rows(rows, binary=first.conventions.binary)
    if format is Format.markdown:
        sys.stdout.write(comparison_markdown(first.scenario, second.scenario, shown))
        return

    @functools.cache
    def table() -> Any:
        from rich import box

        return _table([{"Result": r["key"], **{title: r[key] for title, key in COLUMNS.items()}} for r in shown],
                      title=f"A: {first.scenario}  →  B: {second.scenario}", box=box.SIMPLE_HEAD, show_edge=False,
                      fold="Result")

    if format is Format.compact or (
            format is None and _auto_format(lambda: report.table_width(table()), len(rows)) == "compact"):
        sys.stdout.write(comparison_compact(first.scenario, second.scenario, shown))
        return
    _print(table())


def _print_table(rows: list[dict[str, str]], *, title: str, caption: str | None = None, fold: str | None = None,
                 no_wrap: bool = False, **style: Any) -> None:
    """Print plain rows (a view's) as a rich table (``_table``)."""
    _print(_table(rows, title=title, caption=caption, fold=fold, no_wrap=no_wrap, **style))


def _table(rows: list[dict[str, str]], *, title: str, caption: str | None = None, fold: str | None = None,
           no_wrap: bool = False, **style: Any) -> Any:
    """Plain rows (a view's) as a rich table: the first column left-aligned, numbers right."""
    from rich.table import Table

    from estimator.report import terminal_text

    # Names, labels and titles may come from a file: shown escaped, never as rich markup.
    table = Table(title=terminal_text(title), caption=caption, caption_justify="left", **style)
    for name in rows[0] if rows else []:
        table.add_column(name, justify="left" if name == fold else "right", no_wrap=no_wrap,
                         overflow="fold" if name == fold else "ellipsis")
    for row in rows:
        table.add_row(*(terminal_text(str(value), lines=True) for value in row.values()))  # cells Envelope composed
    return table


def _print(renderable: Any) -> None:
    from rich.console import Console

    Console().print(renderable)


# typer offers the choices of an Enum; this one is built from the vocabulary, not written again.
StarterArchetype = Enum("StarterArchetype", {name: name for name in ARCHETYPES}, type=str)  # type: ignore[misc]


@command()
def new(
    name: Annotated[str, typer.Argument(
        help="The scenario's name, e.g. 'Music recommendation', or the file to write, e.g. music_feed.yaml "
             "(its name is then taken from the file's).", show_default=False)],
    archetype: Annotated[StarterArchetype, typer.Option("--archetype", "-a", help="The kind of system.")] = (
        StarterArchetype[ARCHETYPES[0]]),
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", metavar="FILE", help="The file to write (default: NAME.yaml in the current directory).",
        show_default=False)] = None,
    force: ForceOption = False,
) -> None:
    """Write a commented starter scenario that validates and estimates as it is."""
    from estimator.output import slugify, write_output
    from estimator.starter import starter_text

    from estimator.scenario import load_scenario_text

    if output is None and name.lower().endswith(SCENARIO_SUFFIXES):
        # `envelope new music_feed.yaml` means that file, not a scenario called "music_feed.yaml".
        output, name = Path(name), Path(name).stem.replace("_", " ").replace("-", " ").strip().capitalize()
    text = starter_text(archetype.value, name)
    path = output if output is not None else Path(f"{slugify(name).replace('-', '_')}.yaml")
    load_scenario_text(text, str(path))  # a starter that would not validate is never written
    write_output(path, text.encode("utf-8"), force=force)
    _wrote(path)


@command()
def practice(
    file: Annotated[Optional[Path], typer.Argument(
        help="A scenario file (default: a bundled case study, picked by --seed).", show_default=False)] = None,
    seed: Annotated[Optional[int], typer.Option(
        "--seed", metavar="N",
        help="Pick the scenario and questions reproducibly: the same seed asks the same questions.",
        show_default=False)] = None,
    answers: Annotated[Optional[Path], typer.Option(
        "--answers", metavar="FILE",
        help="Answer from a YAML file that maps each question's key to the answer's text (for scripts and tests).",
        show_default=False)] = None,
    time_: Annotated[bool, typer.Option("--time", help="Time each answer and the session.")] = False,
    history: Annotated[bool, typer.Option("--history", help="Show past attempts: error per kind of question, "
                                                            "the kinds missed most first.")] = False,
) -> None:
    """Rehearse the interview: estimate headline results with units, then see the grade and the working."""
    from estimator.practice import terminal

    if history:
        _practice_history()
        return
    terminal.practice_command(file, seed, answers, time_, typer.echo)


def _practice_history() -> None:
    from rich.console import Console

    from estimator.practice import history as store
    from estimator.practice import terminal

    path = store.database_path()
    try:
        summaries = store.summarise(store.load(path))
    except store.HistoryUnavailable as error:
        typer.echo(f"No practice history: {error}")
        return
    if summaries:
        Console().print(terminal.history_table(summaries))
    typer.echo(store.missed_most_line(summaries))


@command()
def schema() -> None:
    """Print the JSON Schema of scenario files, for editor autocompletion."""
    from estimator.scenario.fields import QuantityJsonSchema
    from estimator.scenario import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(schema_generator=QuantityJsonSchema), indent=2))


class _EscapingStream(io.TextIOBase):
    """A standard stream that is not UTF-8, as every writer sees it: text goes to ``stream``,
    which writes what its encoding cannot hold as ``\\xNN``/``\\uXXXX`` escapes.

    It shows no binary ``buffer`` on purpose: typer's echo (click's, vendored) takes an ASCII
    stream for a misconfigured locale, wraps that buffer as UTF-8 and writes bytes the terminal
    cannot show; with no buffer to find it writes here, as ``print``, rich and
    ``sys.stdout.write`` do.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(self._stream.encoding)

    @property
    def errors(self) -> str:  # type: ignore[override]
        return str(self._stream.errors)

    def write(self, text: str) -> int:
        return int(self._stream.write(text))

    def flush(self) -> None:
        self._stream.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return bool(self._stream.isatty())

    def fileno(self) -> int:
        return int(self._stream.fileno())


def _degrade_to_ascii() -> None:
    """On a terminal or pipe that cannot take UTF-8 (``PYTHONIOENCODING=ascii``, a C locale),
    write what it cannot show as ``\\uXXXX`` escapes instead of failing on the first arrow, or
    writing UTF-8 it cannot show: stdout and stderr alike, whoever writes (see _EscapingStream)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if hasattr(stream, "reconfigure") and codecs.lookup(stream.encoding or "ascii").name != "utf-8":
            stream.reconfigure(errors="backslashreplace")
            setattr(sys, name, _EscapingStream(stream))


def _exit_cleanly_on_signals() -> None:
    """Make SIGTERM and SIGHUP unwind like Ctrl-C instead of ending the process on the spot.

    Python's default for SIGTERM stops at once: a running Graphviz ``dot`` was left with parent 1
    and the temporary directory stayed. Raised as SystemExit in the main thread, the signal
    unwinds every ``with`` and ``finally``: ``subprocess.run`` kills its child, temporary
    directories and half-written outputs are removed. Exit status 128 + signal, as a shell says.
    """
    import signal

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def main() -> None:
    # pydantic scans every installed package's entry points for plugins on its first model,
    # ~7 % of `envelope estimate` (benchmarks/bench_cli_cold_start.py); Envelope uses none.
    # A user who wants plugins can set the variable (even to "") to keep this out.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _degrade_to_ascii()
    _exit_cleanly_on_signals()
    previous = _collect_less()
    try:
        app()
    except Exception as error:  # a bug of ours, not the user's input: say so in one line
        if os.environ.get("ENVELOPE_DEBUG"):
            raise
        sys.stderr.write(f"envelope: internal error ({type(error).__name__}: {error}). This is a bug in "
                         "Envelope, not in your input; ENVELOPE_DEBUG=1 shows the traceback.\n")
        raise SystemExit(1) from None
    finally:
        gc.set_threshold(*previous)


# Allocations between two young-generation collections (Python's default is 700). A command
# builds ~60,000 objects that live until it exits (pint's registry, pydantic's validators, the
# modules): with the default, `envelope estimate` scanned them again in ~15 older-generation
# collections and a full one, and once more as the interpreter shut down
# (benchmarks/bench_cli_cold_start.py). Garbage in reference cycles waits for at most this many
# allocations, a few MB.
GC_YOUNG_THRESHOLD = 50_000


def _collect_less() -> tuple[int, int, int]:
    """Collect cycles less often while a command runs, and not at all as the process ends.

    Returns the thresholds in force before, which ``main`` puts back when the command is done
    (``main`` may run inside another process, as in the tests). At exit every object left is
    frozen (``gc.freeze``) before Python's last collection: the memory goes back to the system
    with the process either way.
    """
    previous = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, previous[1], previous[2])
    atexit.register(gc.freeze)
    return previous


if __name__ == "__main__":
    main()
