"""What the app shows, computed here so the UI layer only draws: plain rows and texts.

Headline metrics with their change against the file's values, the results table, the working,
and the data of the charts (monthly cost by component, storage by dataset, latency by stage).
Everything is a plain dataclass or dict of strings and floats, so it is tested without Streamlit.

>>> from estimator.compose import estimate
>>> from estimator.library import SCENARIOS_DIR
>>> from estimator.scenario import load_scenario
>>> result = estimate(load_scenario(SCENARIOS_DIR / "video_recommendation.yaml"))
>>> [m.label for m in headline_metrics(result, result)]
['Peak QPS', 'Total storage', 'Feature store', 'Accelerators', 'Monthly cost']
>>> headline_metrics(result, result)[0].delta is None
True
>>> [m.label for m in headline_metrics(result, result, "llm")]  # the cards an LLM scenario has
['Peak QPS', 'Total storage', 'Monthly cost']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Literal

import pint

from estimator.display import axis_scale, show, show_input, signed_change
from estimator.compose import Estimate
from estimator.report import section_key, subject_label, working
from estimator.results import Rise, cards, section_title
from estimator.trace import Step
from estimator.units import Q_, format_quantity

DeltaColour = Literal["normal", "inverse", "off"]

# How a rise of a headline number (results.yaml) is coloured: a bad rise in red, a good one in green.
DELTA_COLOURS: dict[Rise, DeltaColour] = {"bad": "inverse", "good": "normal", "neutral": "off"}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: str
    delta: str | None  # None when unchanged from the file
    delta_colour: DeltaColour
    help: str


def headline_metrics(current: Estimate, original: Estimate, archetype: str = "recommendation") -> list[Metric]:
    """The headline numbers of ``current`` for its ``archetype`` (``results.cards``), each with its
    change against ``original``; a card whose result the estimate lacks is left out."""
    metrics = []
    for headline in cards(archetype):
        key, label, colour = headline.key, headline.label, DELTA_COLOURS[headline.rise]
        if key not in current:
            continue
        result = current.steps[key]
        before = original.steps.get(key)
        delta = signed_change(result.value, before.value, current, result.per) if before is not None else None
        metrics.append(Metric(key, label, show(result, current), delta, colour, f"{result.label} ({key})"))
    return metrics


# ---------------------------------------------------------------------------- table, working

def result_rows(estimate: Estimate) -> list[dict[str, str]]:
    """One row per result: section, result, value as a person reads it, and its key."""
    return [{"Section": section_title(section_key(r)), "Result": subject_label(r),
             "Value": show(r, estimate), "Key": r.key} for r in estimate]


@dataclass(frozen=True)
class Working:
    key: str
    label: str
    value: str
    line: str  # formula = formula with values = value
    inputs: list[tuple[str, str]] = field(default_factory=list)  # (name, value as shown)


def working_sections(estimate: Estimate) -> list[tuple[str, list[Working]]]:
    """The "show your work" of every result, grouped by section title."""
    sections = []
    for section, results in groupby(estimate, key=section_key):
        sections.append((section_title(section), [
            Working(r.key, subject_label(r), show(r, estimate), working(r, estimate),
                    [(name, show_input(q, estimate)) for name, q in r.inputs.items()]) for r in results]))
    return sections


# ----------------------------------------------------------------------------------- charts

@dataclass(frozen=True)
class BarChart:
    """Bars in one unit: ``rows`` hold name, value (a float in ``unit``), text (as shown), and
    where the bar starts and ends (0 and value, except in a waterfall)."""

    title: str
    unit: str
    rows: list[dict[str, object]]
    limit: float | None = None  # a line to draw (a latency budget), in ``unit``
    limit_text: str = ""

    @property
    def axis_end(self) -> float:
        """Where the value axis ends: past the longest bar and the line, leaving room for labels.

        >>> BarChart("t", "ms", [{"name": "a", "value": 80.0, "text": "80 ms", "start": 0, "end": 80}], 100.0).axis_end
        160.0
        """
        values = [float(row["end"]) for row in self.rows] + ([self.limit] if self.limit is not None else [])  # type: ignore[arg-type]
        return max(values, default=1.0) * 1.6 or 1.0


def _parts(estimate: Estimate, key: str) -> list[Step]:
    """The results a total adds up, expanded down to results that are not themselves totals.

    A total is a result whose inputs are all results (see estimator.calc.sums.total).
    """
    result = estimate.steps[key]
    if result.inputs and all(name in estimate for name in result.inputs):
        return [part for name in result.inputs for part in _parts(estimate, name)]
    return [result]


def component_label(result: Step) -> str:
    """``models.ranking.monthly_cost`` → ``Models · ranking``; two-part keys use the label.

    >>> from estimator.trace import step
    >>> component_label(step("storage.watch_events.monthly_cost", "Monthly storage cost", "x", 1.0))
    'Storage · watch_events'
    >>> component_label(step("cost.egress_monthly", "Monthly egress cost", "x", 1.0))
    'Monthly egress cost'
    """
    parts = result.key.split(".")
    if len(parts) <= 2:
        return result.label
    return " · ".join([section_title(parts[0]), *parts[1:-1]])


def _bars(title: str, results: list[tuple[str, pint.Quantity, str]], base_unit: str, estimate: Estimate,
          per: str | None = None) -> BarChart:
    magnitudes = [float(q.to(base_unit).magnitude) for _, q, _ in results]
    name, divisor = axis_scale(Q_(1.0, base_unit).units, max(magnitudes, default=0.0),
                               binary=estimate.conventions.binary, per=per)
    rows = [{"name": label, "value": m / divisor, "text": text, "start": 0.0, "end": m / divisor}
            for (label, _, text), m in zip(results, magnitudes, strict=True)]
    return BarChart(title, name, sorted(rows, key=lambda r: -float(r["value"])))  # type: ignore[arg-type]


def cost_by_component(estimate: Estimate) -> BarChart | None:
    """Monthly cost split into the parts it adds up (each model, dataset, store, egress)."""
    if "cost.monthly_total" not in estimate:
        return None
    parts = [(component_label(p), p.value, show(p, estimate)) for p in _parts(estimate, "cost.monthly_total")]
    return _bars("Monthly cost by component", parts, "USD", estimate, per="month")


def storage_by_dataset(estimate: Estimate) -> BarChart | None:
    """Stored footprint of each dataset, the offline feature store and the online store (in memory)."""
    parts = _parts(estimate, "storage.total_footprint") if "storage.total_footprint" in estimate else []
    parts += [estimate.steps[key] for key in ("features.offline.footprint", "features.online.size") if key in estimate]
    if not parts:
        return None
    labelled = [(component_label(p), p.value, show(p, estimate)) for p in parts]
    return _bars("Storage by dataset", labelled, "B", estimate)


def latency_by_stage(estimate: Estimate) -> BarChart | None:
    """Latency of each serving stage (``serving.stages.<name>.latency``), cumulated, and the budget line."""
    stages = [r for r in estimate if r.key.startswith("serving.stages.") and r.key.endswith(".latency")]
    if not stages:
        return None
    # A waterfall in pipeline order: each stage starts where the previous one ended, so the
    # budget line shows at which stage the time runs out.
    rows: list[dict[str, object]] = []
    start = 0.0
    for r in stages:
        value = float(r.value.to("ms").magnitude)
        rows.append({"name": r.key.split(".")[2], "value": value, "text": format_quantity(r.value.to("ms")),
                     "start": start, "end": start + value})
        start += value
    budget = latency_budget(estimate)
    return BarChart("Latency by stage", "ms", rows,
                    float(budget.to("ms").magnitude) if budget is not None else None,
                    f"budget {format_quantity(budget.to('ms'))}" if budget is not None else "")


def latency_budget(estimate: Estimate) -> pint.Quantity | None:
    """The budget the stages are held to: an input of ``serving.latency_slack`` (estimator.calc.serving)."""
    slack = estimate.steps.get("serving.latency_slack")
    return slack.inputs.get("latency_budget") if slack is not None else None
