"""The app's Plan tab: it shows the frontier and its button applies the chosen configuration."""

from __future__ import annotations

from conftest import ROOT
from streamlit.testing.v1 import AppTest

from estimator.compose import estimate
from estimator.library import bundled_scenarios
from estimator.plan import plan, plan_edits
from estimator.display import show
from estimator.scenario import load_scenario_text

FILE = "video_recommendation.yaml"


def chosen_overrides(entry) -> list[str]:  # type: ignore[no-untyped-def]
    """The planner's chosen configuration for FILE as --set overrides."""
    result = plan(load_scenario_text(entry.path.read_bytes(), FILE))
    targets = {"models.candidate_generation": "models.0", "models.ranking": "models.1",
               "serving.stages.ranking": "serving.stages.2"}
    return [f"{targets[path.rpartition('.')[0]]}.{path.rpartition('.')[2]}={text}"
            for path, text in plan_edits(result, result.best).items()]


def test_plan_edits_reproduce_the_chosen_configuration():
    entry = next(e for e in bundled_scenarios() if e.path.name == FILE)
    scenario = load_scenario_text(entry.path.read_bytes(), FILE)
    result = plan(scenario)
    edits = plan_edits(result, result.best)
    # The whole catalog is searched: MI300X ($1.71/h, 2,615 TFLOP/s fp8) undercuts H100-PCIe.
    assert edits["models.ranking.accelerator"] == "MI300X" and edits["models.ranking.precision"] == "fp8"
    targets = {"models.candidate_generation": "models.0", "models.ranking": "models.1",
               "serving.stages.ranking": "serving.stages.2"}
    overrides = []
    for path, text in edits.items():
        owner, _, name = path.rpartition(".")
        overrides.append(f"{targets[owner]}.{name}={text}")
    applied = estimate(load_scenario_text(entry.path.read_bytes(), FILE, overrides))
    assert applied["cost.monthly_total"].to("USD").magnitude == result.best.cost


def test_plan_tab_shows_the_frontier_and_applies_the_choice():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["tab"] = "Plan"  # only the tab on screen is drawn
    app.run()
    app.sidebar.selectbox[0].set_value([e.path.name for e in bundled_scenarios()].index(FILE)).run()
    assert not app.exception
    tab = next(t for t in app.tabs if t.label == "Plan")
    assert "configurations searched" in tab.caption[0].value
    assert "MI300X fp8" in tab.markdown[0].value
    tab.button[0].click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    accelerator = [w for w in app.sidebar.selectbox if w.label == "Accelerator"]
    assert "MI300X" in [w.value for w in accelerator]
    entry = next(e for e in bundled_scenarios() if e.path.name == FILE)
    expected = estimate(load_scenario_text(entry.path.read_bytes(), FILE, chosen_overrides(entry)))
    monthly = {m.label: m.value for m in app.metric}["Monthly cost"]
    assert monthly == show(expected.steps["cost.monthly_total"], expected)
