"""Cost linear in the input: the diagram's placeholders are looked up by key, not matched against
every result, and sampling keeps within a memory budget. Counted in operations, never timed
(timings are in benchmarks/bench_scaling.py)."""

from __future__ import annotations

import fnmatch
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from scaling import scenario_text  # noqa: E402 - the benchmarks' generator, shared

from diagrams_lib import architecture  # noqa: E402
from estimator.compose import estimate  # noqa: E402
from estimator.scenario import load_scenario_text  # noqa: E402


def test_placeholders_of_n_datasets_match_a_bounded_number_of_keys(monkeypatch):
    counts = {}
    for n in (10, 100):
        scenario = load_scenario_text(scenario_text(n), f"{n}.yaml")
        result = estimate(scenario)
        calls = [0]
        original = fnmatch.fnmatchcase

        def counting(name, pattern, calls=calls, original=original):
            calls[0] += 1
            return original(name, pattern)

        monkeypatch.setattr(architecture.fnmatch, "fnmatchcase", counting)
        architecture.populate(architecture.Sketch(), scenario, result)
        monkeypatch.setattr(architecture.fnmatch, "fnmatchcase", original)
        counts[n] = calls[0]
    # Only the few wildcard placeholders scan the results (which grow 10×): at most 10× the matches,
    # where one scan per dataset placeholder made it 100×.
    assert counts[100] <= 10 * counts[10] + 100, counts


def test_find_key_looks_a_plain_key_up():
    from estimator.trace import step

    e = architecture._estimate(step("storage.a.footprint", "F", "x", 1.0), step("storage.b.footprint", "F", "x", 2.0))
    assert architecture.find_key("storage.b.footprint", e) == "storage.b.footprint"
    assert architecture.find_key("storage.c.footprint|storage.*.footprint", e) == "storage.a.footprint"
    assert architecture.find_key("storage.c.footprint", e) is None


def test_sampling_in_chunks_gives_the_answer_of_one_pass(monkeypatch):
    import numpy as np

    from estimator import uncertainty
    from estimator.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "video_recommendation.yaml")
    whole = uncertainty.sample_estimate(scenario, 3_000, 7)
    monkeypatch.setattr(uncertainty, "CHUNK_BYTES", 1)  # chunks of the smallest size, 1,000 draws
    chunked = uncertainty.sample_estimate(scenario, 3_000, 7)
    assert list(chunked.draws) == list(whole.draws)
    for key, value in whole.draws.items():
        assert np.array_equal(chunked.draws[key].magnitude, value.magnitude), key
        assert chunked.intervals[key] == whole.intervals[key], key


def test_samples_beyond_the_memory_budget_are_refused_with_what_fits(monkeypatch):
    from typer.testing import CliRunner

    from estimator import uncertainty
    from estimator.cli import app

    monkeypatch.setattr(uncertainty, "SAMPLE_MEMORY_BUDGET", 2**20)  # 1 MiB, to stand for a huge file
    result = CliRunner().invoke(app, ["estimate", str(ROOT / "scenarios" / "video_recommendation.yaml"),
                                      "--samples", "10000", "-f", "compact"])
    assert result.exit_code == 2
    # 58 results vary: 58 × 10,000 × 8 bytes is 4 MiB; 2**20 // (58 × 8) = 2,259 samples fit.
    assert result.output == ("--samples: 10,000 samples of the 58 results the ranges reach need 4 MiB; at most 2,259 "
                             "fit in the 1 MiB sampling budget: ask for 2,259 or fewer (or range fewer inputs)\n")


def test_each_caller_gets_its_own_parsed_quantity():
    from estimator.units import parse_quantity

    first, second = parse_quantity("200 B"), parse_quantity("200 B")
    assert first == second and first is not second  # a caller may not change what another was given


def test_sweep_steps_beyond_the_memory_budget_are_refused(monkeypatch):
    from typer.testing import CliRunner

    from estimator import uncertainty
    from estimator.cli import app

    monkeypatch.setattr(uncertainty, "SAMPLE_MEMORY_BUDGET", 2**20)
    path = ROOT / "scenarios" / "video_recommendation.yaml"
    results = len(estimate(load_scenario_text(path.read_bytes(), str(path))).steps)
    result = CliRunner().invoke(app, ["sweep", str(path), "--param", "traffic.monthly_active_users=1B..2B",
                                      "--target", "traffic.peak_qps", "--steps", "10000"])
    assert result.exit_code == 2
    fit = 2**20 // (8 * results)
    assert result.output == (f"--steps: 10,000 steps of the {results:,} results in this scenario need "
                             f"{8 * results * 10_000 / 2**20:,.0f} MiB; at most {fit:,} fit in the 1 MiB "
                             f"sampling budget: ask for {fit:,} or fewer\n")


def _counted_calls(monkeypatch, owner, name, run):  # type: ignore[no-untyped-def]
    """How many times ``owner.name`` is called while ``run()`` runs."""
    calls = [0]
    original = getattr(owner, name)

    def counting(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    try:
        run()
    finally:
        monkeypatch.setattr(owner, name, original)
    return calls[0]


def test_showing_results_costs_the_same_per_dataset_at_100_and_1000(monkeypatch):
    import pint

    from estimator import units
    from estimator.notes import to_notes
    from estimator.report import to_markdown

    conversions, misses = {}, {}
    for n in (100, 1_000):
        scenario = load_scenario_text(scenario_text(n), f"{n}.yaml")
        result = estimate(scenario)
        units._display_plan.cache_clear()

        def render(scenario=scenario, result=result):
            to_markdown(result)
            to_notes(scenario, result)

        conversions[n] = _counted_calls(monkeypatch, pint.Quantity, "to", render)
        misses[n] = units._display_plan.cache_info().misses
    # What a unit needs is worked out once per unit, never per value: as many units at 1,000
    # datasets as at 100 (each dataset has the same ones).
    assert misses[1_000] == misses[100] > 0, misses
    # pint conversions grow with the datasets, not faster: 10× the datasets, 10× the conversions
    # (the few per result of a rate shown per day), plus the scenario's fixed part.
    assert conversions[1_000] <= 10 * conversions[100] + 100, conversions


def test_an_estimate_reduces_each_unit_once(monkeypatch):
    import pint

    counts = {}
    for n in (100, 1_000):
        scenario = load_scenario_text(scenario_text(n), f"{n}.yaml")
        counts[n] = _counted_calls(monkeypatch, pint.Quantity, "to_reduced_units", lambda s=scenario: estimate(s))
    # calc functions reduce a few rates per dataset themselves; the steps' own reductions are
    # remembered per unit, so the count grows linearly, not with every step.
    assert counts[1_000] <= 10 * counts[100], counts


def test_working_lines_are_computed_once_per_estimate(monkeypatch):
    from estimator import trace
    from estimator.notes import to_notes
    from estimator.report import to_markdown

    scenario = load_scenario_text(scenario_text(10), "10.yaml")
    result = estimate(scenario)
    calls = _counted_calls(monkeypatch, trace.Step, "substituted",
                           lambda: (to_markdown(result), to_notes(scenario, result)))
    assert calls == len(result.steps)  # the notes reuse every line the Markdown report worked out


@pytest.mark.parametrize("formula, names, expected", [
    ("a + a.b + b.c", {"a", "a.b"}, "<a> + <a.b> + b.c"),      # the longest name wins
    ("a.b.c × a.bc", {"a", "a.b"}, "<a.b>.c × <a>.bc"),        # a name ends at a dot or the run's end
    ("xa + a_b + a", {"a"}, "xa + a_b + <a>"),                 # never inside a longer word
    ("é.x + é", {"é"}, "<é>.x + <é>"),                         # words in any script
    ("size (GB) × price-per", {"price-per", "size"}, "<size> (GB) × <price-per>"),  # a name of other characters
])
def test_substituted_replaces_names_as_one_alternation_of_them_would(formula, names, expected):
    from estimator.trace import Step
    from estimator.units import Q_

    # Each input shows as <name>, told apart by its value.
    step = Step("k", "K", formula, Q_(1.0, ""), {name: Q_(float(i), "") for i, name in enumerate(sorted(names))})
    labels = {float(i): f"<{name}>" for i, name in enumerate(sorted(names))}
    assert step.substituted(lambda q: labels[q.magnitude]) == expected


@pytest.mark.parametrize("kind, field, what, cap, line, column", [
    ("datasets", "data", "datasets", "MAX_DATASETS", 7, 3),
    ("stages", "serving.stages", "stages", "MAX_STAGES", 10, 5),
    ("models", "models", "models", "MAX_MODELS", 7, 3),
])
def test_a_list_over_its_cap_is_one_located_problem(kind, field, what, cap, line, column):
    from estimator.errors import ScenarioError
    from estimator.scenario import limits

    limit = getattr(limits, cap)
    load_scenario_text(scenario_text(limit, kind), "s.yaml")  # at the cap: accepted
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(scenario_text(limit + 1, kind), "s.yaml")
    assert str(raised.value) == (f"s.yaml:{line}:{column}: {field}: too many {what}: given {limit + 1:,} {what}, "
                                 f"expected at most {limit:,} {what} (Envelope's cap: every command stays quick)")


def test_components_and_flows_over_their_caps_are_both_named():
    from estimator.errors import ScenarioError
    from estimator.scenario.limits import MAX_COMPONENTS, MAX_FLOWS

    assert MAX_COMPONENTS == MAX_FLOWS == 1_000  # the generator grows both together
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(scenario_text(1_001, "components"), "s.yaml")
    assert str(raised.value).splitlines() == [
        "s.yaml:8:5: components.add: too many components: given 1,001 components, expected at most 1,000 components "
        "(Envelope's cap: every command stays quick)",
        "s.yaml:1010:5: components.add_flows: too many flows: given 1,001 flows, expected at most 1,000 flows "
        "(Envelope's cap: every command stays quick)"]


def test_the_caps_are_in_the_json_schema():
    from estimator.scenario import Scenario
    from estimator.scenario.fields import QuantityJsonSchema
    from estimator.scenario.limits import MAX_DATASETS, MAX_DERIVED

    schema = Scenario.model_json_schema(schema_generator=QuantityJsonSchema)  # as `envelope schema` writes it
    assert schema["properties"]["data"]["maxItems"] == MAX_DATASETS == 1_000
    assert schema["properties"]["derived"]["maxItems"] == MAX_DERIVED == 200


def test_the_benchmark_measures_1000_of_each_kind_within_the_caps():
    from estimator.scenario import limits

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_scaling

    assert bench_scaling.SIZES[-1] == 1_000 <= min(limits.MAX_DATASETS, limits.MAX_MODELS, limits.MAX_COMPONENTS,
                                                   limits.MAX_ESTIMATED)
    assert bench_scaling._within(bench_scaling.SIZES, "stages") == (10, 100, limits.MAX_STAGES) == (10, 100, 200)
    assert bench_scaling._within(bench_scaling.SIZES, "datasets") == (10, 100, 1_000)


def test_lists_that_together_pass_the_total_cap_are_one_problem_at_the_longest():
    from estimator.errors import ScenarioError
    from scaling import mixed_text

    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(mixed_text(200, 401), "s.yaml")  # 3 × 200 + 401
    assert str(raised.value) == (
        "s.yaml:10:5: serving.stages: too many entries in all: given 1,001 (401 in data, 200 in serving.stages "
        "counting 3 each), expected at most 1,000 together, in every list the estimate works through (Envelope's "
        "cap: every command stays quick)")
    load_scenario_text(mixed_text(200, 400), "s.yaml")  # one dataset fewer: accepted


def test_sampling_many_results_no_range_reaches_takes_two_passes_not_one_per_chunk(monkeypatch):
    """1,000 training jobs are ~8,000 results and none varies with the ranged users: after the first
    pass, chunks are sized for the results that vary, so 10,000 samples take the point estimate and
    two sampled passes (it was ten: one per 64 MiB of results that never vary)."""
    import estimator.uncertainty as uncertainty

    text = (scenario_text(1).split("data:")[0] + "trainings:\n  - &job {name: t0, parameters: 7 billion parameter, "
            "tokens: 2 trillion token, accelerator: A100-80GB, precision: bf16, accelerator_hours: 184320 GPU*hour}\n"
            + "".join(f"  - {{<<: *job, name: t{n}}}\n" for n in range(1, 1_000)))
    scenario = load_scenario_text(text, "t.yaml")
    passes = []
    real = uncertainty.estimate
    monkeypatch.setattr(uncertainty, "estimate", lambda s: passes.append(1) or real(s))
    spread = uncertainty.sample_estimate(scenario, 10_000)
    assert len(passes) == 3
    assert len(spread.point.steps) > 8_000
    assert spread.draws["traffic.peak_qps"].magnitude.shape == (10_000,)


def test_the_font_coverage_is_prepared_once_per_diagram_not_once_per_label(monkeypatch):
    """Each label was checked by sorting the installed charset's few thousand ranges again: a diagram
    at the drawing cap spent ~0.4 s there. The charset is prepared once, and every label looked up in it."""
    import networkx as nx

    from diagrams_lib import labels

    charset = labels.parse_charset("20-7e a0-ff")
    preparations, sorted_once, warnings = {}, {}, {}
    for n in (10, 300):
        graph = nx.DiGraph(title="T")
        for i in range(n):
            graph.add_node(f"c{i}", kind="service", label=f"C{i}", annotations=[f"{i} request/s"], cluster=None)
        graph.add_node("x", kind="service", label="用户", annotations=[], cluster=None)
        labels.coverage.cache_clear()

        def check(graph=graph, n=n):
            warnings[n] = labels.font_warnings(graph, charset)

        preparations[n] = _counted_calls(monkeypatch, labels, "coverage", check)
        sorted_once[n] = labels.coverage.cache_info().misses
    # 2 × n + 3 labels (title, subtitle, each name and annotation), one preparation whatever n is.
    assert preparations == sorted_once == {10: 1, 300: 1}
    assert warnings[10] == warnings[300] == [
        "no installed font draws 用 (U+7528), 户 (U+6237) in the label '用户': they show as boxes; install a font "
        "that covers them (Debian: fonts-noto-cjk for Chinese, Japanese and Korean, fonts-noto-core)"]


def test_report_builds_the_architecture_graph_once(monkeypatch, tmp_path):
    """The drawing cap's check and the picture share one graph (it was built twice)."""
    from typer.testing import CliRunner

    from diagrams_lib import graph
    from estimator.cli import app

    builds = _counted_calls(monkeypatch, graph, "build_graph", lambda: CliRunner().invoke(
        app, ["report", str(ROOT / "scenarios" / "video_recommendation.yaml"), "-o", str(tmp_path / "notes")]))
    assert builds == 1
    assert sorted(path.name for path in (tmp_path / "notes").iterdir()) == ["video-recommendation.md",
                                                                            "video-recommendation.png"]


def test_the_benchmark_draws_a_wide_and_tall_diagram_at_the_drawing_cap(tmp_path):
    """The benchmark's largest drawing in both directions at once (long labels, chained flows, every
    serving stage) holds exactly as many components as a diagram draws, so it is drawn, not refused."""
    from diagrams_lib.graph import build_graph
    from diagrams_lib.render import MAX_COMPONENTS, too_large
    from estimator.compose import estimate
    from estimator.scenario import load_scenario

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_scaling

    files = bench_scaling.largest_files(tmp_path, quick=False)
    scenario = load_scenario(files["300 components drawn with long labels + 200 stages"])
    graph = build_graph(scenario, estimate(scenario))
    assert graph.number_of_nodes() == MAX_COMPONENTS == 300 and too_large(graph) is None
    assert len(scenario.serving.stages) == 200
    assert max(len(label) for _, label in graph.nodes(data="label")) >= 150


def test_a_checked_estimate_reads_each_derived_expression_once(monkeypatch):
    """validate's check runs the point estimate and two sampled passes (here the budget admits fewer
    samples than asked for). Each pass read every expression four times (three times for its names,
    once to evaluate it) and asked pint whether each name is a calendar word twice: 36 tokenisations
    of these three expressions and 36 look-ups of their four distinct names. Each text is now read
    once, and each name looked up once."""
    from estimator import derived, expressions, uncertainty

    text = (scenario_text(1) + "derived:\n"
            "  - {name: per_day, expr: traffic.peak_qps * day}\n"
            "  - {name: twice, expr: 2 * derived.per_day / day}\n"
            "  - {name: halves, expr: derived.twice / 2 + traffic.peak_qps}\n")
    scenario = load_scenario_text(text, "t.yaml")
    assert uncertainty.has_ranges(scenario)
    monkeypatch.setattr(uncertainty, "SAMPLE_MEMORY_BUDGET", 2**16)  # 10,000 samples do not fit: a second draw
    expressions._tokens.cache_clear()
    expressions._names.cache_clear()
    derived._calendar_word.cache_clear()
    passes = []
    real = uncertainty.estimate
    monkeypatch.setattr(uncertainty, "estimate", lambda s: passes.append(1) or real(s))
    lookups = []
    tokenisations = _counted_calls(monkeypatch, expressions, "tokenizer", lambda: lookups.append(_counted_calls(
        monkeypatch, derived, "calendar_word", lambda: uncertainty.estimate_as_asked(scenario, check=True))))
    assert len(passes) == 3
    assert tokenisations == 3
    assert lookups == [4]  # traffic.peak_qps, day, derived.per_day, derived.twice


def test_a_ranged_table_runs_the_point_estimate_once(monkeypatch):
    """`estimate --format table` counts its rows on the point estimate before it samples (a table
    over the cap is refused before any draw); the sampled estimate then reuses that point estimate
    instead of working it out again: one point pass and one sampled pass, not two and one."""
    from typer.testing import CliRunner

    from estimator import compose
    from estimator.cli import app

    result = []
    passes = _counted_calls(monkeypatch, compose, "_storage", lambda: result.append(CliRunner().invoke(
        app, ["estimate", str(ROOT / "scenarios" / "ad_click_prediction.yaml"), "--format", "table",
              "--samples", "500"])))
    assert result[0].exit_code == 0 and "Uncertainty: percentiles over 500 samples" in result[0].output
    assert passes == 2
