"""UI: one rerun of the app after changing one input, with the diagram cached (AppTest).

The input alternates between two values, both drawn once before timing, so every timed
rerun finds its diagram in the cache: what is timed is the estimate, the widgets and the
page. The baseline is AppTest rerunning a one-widget script after the same kind of change:
the harness's own cost, which no app can go under.
"""

from __future__ import annotations

import os

from harness import ROOT, Row, interleaved, median, not_measured

WHAT = "UI: AppTest rerun after changing one input (diagram cached)"
GOAL = "median ≤ 250 ms"
FIELD, VALUES = "Response size", ("50 KB", "20 KB")
TRIVIAL = "import streamlit as st\nvalue = st.text_input('Response size', '20 KB')\nst.write(value)\n"


def run(quick: bool) -> list[Row]:
    if not (ROOT / "app.py").exists():
        return [not_measured(WHAT, "app.py", GOAL)]
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    fields = [w for w in app.sidebar.text_input if w.label == FIELD]
    if not fields:
        return [not_measured(WHAT, f"the app's {FIELD!r} input", GOAL)]
    trivial = AppTest.from_string(TRIVIAL, default_timeout=60).run()
    state = {"round": 0}

    def change(test: AppTest) -> None:
        field = next(w for w in test.text_input if w.label == FIELD)
        field.set_value(VALUES[state["round"] % 2]).run()
        problems = [e.value for e in [*test.exception, *test.error]]
        if problems:
            raise RuntimeError(f"the app failed on a rerun: {problems[0]}")

    def app_rerun() -> None:
        state["round"] += 1
        change(app)

    for _ in range(2):  # draw the diagram for both values once: later reruns are cache hits
        app_rerun()
    reruns, baseline = interleaved(app_rerun, lambda: change(trivial), repeats=4 if quick else 30)
    warnings = "; ".join(str(w.value) for w in app.warning)[:200]
    row = Row(WHAT, median(reruns), median(baseline), "AppTest rerun of a one-widget script", GOAL,
              ("median", 0.25), runs=len(reruns), note=warnings)
    if row.met is False:
        row.note = (GAP + (" Warnings: " + warnings if warnings else "")).strip()
    return [row]


# From cProfile run inside the script thread. Done: loads, estimates, rows, chart specifications and
# the diagram's graph cached by (file text, edits) in ui/cached.py; only the open tab is drawn.
GAP = ("Gap: what is left of a rerun is Streamlit's own cost of ~70 sidebar fields (each keyed widget "
       "copies the session state, quadratic in the number of fields) and the diagram's PNG.")
