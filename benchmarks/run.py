"""Run every benchmark and write RESULTS.md and results.json (entry point of `make bench`).

    python benchmarks/run.py                 # full run, writes benchmarks/RESULTS.md and results.json
    python benchmarks/run.py --quick         # few repeats, small sizes: checks the scripts still work
    python benchmarks/run.py --output DIR    # write the result files elsewhere (tests do this)
    python benchmarks/run.py --only monte_carlo,sweep

A benchmark whose subject is not in the code base reports "not measured: ..." instead of
failing. A benchmark that raises makes the run exit with status 1 after writing the rest.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from harness import Row, machine_meta, progress, write_results  # noqa: E402

MODULES = ("cli_cold_start", "warm_estimate", "monte_carlo", "sweep", "plan", "diagrams", "ui", "browser", "scaling")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="few repeats and small sizes (seconds, not minutes)")
    parser.add_argument("--output", type=Path, default=HERE, help="directory for RESULTS.md and results.json")
    parser.add_argument("--only", default="", help="comma-separated benchmark names: " + ", ".join(MODULES))
    args = parser.parse_args(argv)
    chosen = [name for name in args.only.split(",") if name] or list(MODULES)
    unknown = sorted(set(chosen) - set(MODULES))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")

    started = time.perf_counter()
    rows: list[Row] = []
    failed = False
    for name in chosen:
        progress(f"== {name} ({'quick' if args.quick else 'full'})")
        begun = time.perf_counter()
        try:
            module = importlib.import_module(f"bench_{name}")
            new = module.run(quick=args.quick)
        except Exception as error:  # noqa: BLE001 - one broken benchmark must not hide the others
            traceback.print_exc()
            new = [Row(f"{name}", None, None, "", "—", None, note=f"failed: {type(error).__name__}: {error}")]
            failed = True
        for row in new:
            ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
            progress(f"   {row.what}: ratio {ratio}, goal {row.goal}, met {row.met}{' · ' + row.note if row.note else ''}")
        progress(f"   ({time.perf_counter() - begun:.1f} s)")
        rows += new
    meta = machine_meta(args.quick, time.perf_counter() - started)
    write_results(rows, meta, args.output)
    progress(f"wrote {args.output / 'RESULTS.md'} and {args.output / 'results.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
