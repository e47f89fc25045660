"""CLI cold start: `envelope estimate <largest bundled scenario> --format json`, a whole process.

The floor is a process that imports the libraries the estimate needs and builds the unit
registry exactly as estimator/units.py does, but without Envelope: what no code of ours can
go under. Both run with the same interpreter, interleaved. Peak memory (the child's own
ru_maxrss) is reported next to it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from harness import ROOT, Row, bundled_scenarios, median, progress, run_process

UNITS = ROOT / "estimator" / "units.txt"
# Mirrors estimator/units.build_registry (no disk cache, units.txt redefining bit, units re-resolved)
# with bare libraries.
FLOOR_CODE = ("import pint, pydantic, yaml; "
              "r = pint.UnitRegistry(cache_folder=None, on_redefinition='ignore'); "
              f"r.load_definitions({str(UNITS)!r}); r._build_cache()")
# The same imports with the collector set as `envelope` sets it (estimator.cli.main), and the
# bundled catalog files read (their entries are validated when a scenario looks them up).
IMPORTS_CODE = ("import estimator.cli; estimator.cli._collect_less(); "
                "import estimator.report, estimator.compose, estimator.scenario, estimator.uncertainty; "
                "from estimator.scenario.catalog import bundled_accelerators, bundled_prices; "
                "bundled_accelerators(); bundled_prices()")


def largest_scenario() -> Path:
    """The bundled scenario with the most bytes: the most for the loader and estimator to do."""
    return max(bundled_scenarios(), key=lambda path: path.stat().st_size)


def envelope_argv(scenario: Path) -> list[str]:
    # The installed console script when there is one (what a user types), else the module.
    script = Path(sys.executable).with_name("envelope")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "estimator"]
    return [*head, "estimate", str(scenario), "--format", "json"]


def run(quick: bool) -> list[Row]:
    scenario = largest_scenario()
    subject = envelope_argv(scenario)
    floor = [sys.executable, "-c", FLOOR_CODE]
    # Once for correctness, as a user's first run: Python writes Envelope's .pyc files then (pip
    # wrote the libraries' at install). Where PYTHONDONTWRITEBYTECODE is set, every timed run
    # would otherwise compile Envelope's ~60 modules from source and the floor none of its own.
    first_run = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    output = subprocess.run(subject, cwd=ROOT, capture_output=True, text=True, check=True, env=first_run).stdout
    results = len(json.loads(output)["results"])
    run_process(floor)
    # The estimate path's imports alone, to split the gap into "importing" and "working".
    imports = [sys.executable, "-c", IMPORTS_CODE]
    run_process(imports)
    repeats = 3 if quick else 25
    variants = {"subject": subject, "floor": floor, "imports": imports}
    times: dict[str, list[float]] = {name: [] for name in variants}
    memory: dict[str, list[float]] = {name: [] for name in variants}
    for round_ in range(repeats):
        names = list(variants) if round_ % 2 == 0 else list(reversed(variants))
        for name in names:
            seconds, megabytes = run_process(variants[name])
            times[name].append(seconds)
            memory[name].append(megabytes)
        if not quick and round_ % 5 == 4:
            progress(f"   {round_ + 1}/{repeats} rounds")
    whole, base, imported = (median(times[name]) for name in ("subject", "floor", "imports"))
    split = (f"of the {(whole - base) * 1e3:.0f} ms over the floor, {(imported - base) * 1e3:.0f} ms is importing "
             f"Envelope's modules, pydantic's model machinery and reading the catalog, "
             f"{(whole - imported) * 1e3:.0f} ms is building validators, parsing, validating and estimating {results} results with pint "
             "and writing JSON")
    if whole / base > 1.2:
        split = ("Gap: " + split + ". What is left, measured on the 2-core machine (in-process timers, best "
                 "of 9-15 runs): importing is pydantic's model machinery (~24 ms; the floor's `import pydantic` "
                 "is lazy), typer (~11 ms), declaring the ~40 scenario models (~22 ms) and Envelope's own "
                 "modules with numpy.random (~15 ms); loading (~38 ms) is mostly building the Scenario validator on "
                 "first use (~17 ms) and pint parsing the ~90 quantity texts, each checked before pint sees it "
                 "(~10 ms); sampling (~38 ms) is the point estimate (~13 ms), the 10,000-sample pass (~11 ms, "
                 "pint's per-operation overhead), percentiles (~5 ms) and drawing the samples; JSON "
                 "~7 ms. Done: libyaml, deferred model builds, no scipy.stats, no pydantic plugin scan, a lazy "
                 "`import estimator`, field examples parsed on first use, bundled catalog entries validated on "
                 "look-up, results.yaml read on first use, each unit reduced once, no annotation strings for "
                 "pydantic or typer to compile, fewer cyclic collections (envelope sets the collector before it "
                 "builds the registry, so that part of its start-up also runs fewer collections than the "
                 "floor's, which keeps Python's defaults). Not done: a hand-written argv parser "
                 "instead of typer (typer's import, at the price of two parsers); building the unit registry in "
                 "one pass instead of two (about 70 ms less on both sides, as the floor mirrors it, so the ratio "
                 "would not improve)")
    name = scenario.relative_to(ROOT)
    return [
        Row(f"CLI cold start: `envelope estimate {name} --format json` ({results} results)",
            median(times["subject"]), median(times["floor"]), "python -c 'import pint, pydantic, yaml; registry'",
            "≤ 1.2×", ("ratio", 1.2), runs=repeats, note=split),
        Row("CLI cold start: importing the estimate path only (no scenario)", imported, base,
            "same floor process", "reported", None, runs=repeats),
        Row("CLI cold start: peak memory (ru_maxrss of the process)", median(memory["subject"]),
            median(memory["floor"]), "same floor process", "reported", None, unit="MB", runs=repeats),
    ]
