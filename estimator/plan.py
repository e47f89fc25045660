"""Inverse sizing: the cheapest design that meets the latency budget (``envelope plan``).

The design space is the product of a few axes:

* per inference model, per serving stage on its own hardware, and for the LLM: the device,
  an (accelerator, precision) pair from the catalog (the bundled one merged with the scenario's
  ``catalog:``), never a precision wider than the one written (that only costs more);
* per serving stage with a device: the batch size (``BATCH_SIZES`` up to the stage's items);
* for the LLM: the batch size (``LLM_BATCH_SIZES``) and the tensor-parallel degree (``TENSOR_PARALLEL``,
  each a floor above what the memory needs);
* every input the scenario marks as a choice (``items: {choose: [200, 500, 1000]}``).

Replicas are not searched blindly: for each configuration the estimate sizes them as the
scenario says (headroom, or ``serving.size_by: p99``; LLM replicas for its target load), which
is the smallest fleet meeting the throughput target. Throughput targets are therefore met by construction; the search checks
the latency budget (the p99 under load when the scenario asks for queueing, else the zero-load
sum of stages) and minimises ``cost.monthly_total``. Uncertain inputs (ranges) are planned at
their medians, like the point estimate; an input that is itself a range or a choice gets no
extra axis (a choice is its own axis).

The search runs ``estimate`` itself on numpy arrays, as the sampler does: the categorical
device choice becomes one synthetic catalog entry per component whose peak, bandwidth, memory
and price are arrays gathered from the real entries, so each configuration runs exactly the
formulas a point estimate of it would (``tests/test_plan.py`` checks that against a plain loop).

One stage on a T4 (fp16), searched over the T4 and L4 (6 devices × 5 batch sizes):

>>> from estimator.scenario import load_scenario_text
>>> s = load_scenario_text('''
... name: t
... traffic: {daily_active_users: 10 million user, requests_per_user_per_day: 10 request/user/day}
... serving:
...   latency_budget: 20 ms
...   stages:
...     - {name: score, items: 100, batch_size: 100, flops_per_item: 1 GFLOP, accelerator: T4}
... ''', "t.yaml")
>>> p = plan(s, ["T4", "L4"])
>>> p.searched, p.describe(p.best), round(p.best.latency, 2)
(30, {'serving.stages.score.device': 'L4 fp8', 'serving.stages.score.batch_size': '100'}, 1.38)
"""

from __future__ import annotations

import math
import itertools
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pint

from estimator.scenario.catalog import DTYPE_BYTES, Accelerator, Precision
from estimator.choices import Choice
from estimator.errors import UsageError, printable
from estimator.compose import Estimate, estimate
from estimator.ranges import Range, highest, iter_ranges
from estimator.units import Q_, format_quantity
from estimator.walk import map_values

__all__ = ["searched_text", "BATCH_SIZES", "LLM_BATCH_SIZES", "TENSOR_PARALLEL", "CHUNK", "MAX_CONFIGURATIONS", "Axis", "Plan", "Candidate", "design_space",
           "evaluate", "plan", "plan_json", "plan_csv", "plan_table_rows", "plan_tables", "CHANGES_SHOWN", "plan_edits", "chart_points", "frontier_rows",
           "brute_force"]

# Batch sizes tried for a stage (each capped at the stage's items): powers of 4 from 1, the
# range inference servers batch in; the stage's own batch size is always tried too.
BATCH_SIZES = (1.0, 4.0, 16.0, 64.0, 256.0, 1024.0)
LLM_BATCH_SIZES = (1.0, 4.0, 16.0, 64.0, 256.0)
# Tensor-parallel floors tried for the LLM: one node's worth of devices (8 per node on the catalog's GPUs'
# usual servers); the estimate never goes below what the weights and KV cache need.
TENSOR_PARALLEL = (1.0, 2.0, 4.0, 8.0)
# Evaluated CHUNK configurations at a time: 20 k × ~150 results × 8 bytes ≈ 24 MB of arrays per pass.
CHUNK = 20_000
MAX_CONFIGURATIONS = 1_000_000  # about 10 s on a small machine: past that, narrow the space

_DEVICE = "plan-device-{}"  # synthetic catalog key of a component's device axis


@dataclass(frozen=True)
class Axis:
    """One thing the search may change: a component's device, or one input's value.

    ``path`` is the dotted input path (``models.ranking.device`` for a device axis),
    ``options`` the values tried (``(accelerator, precision)`` pairs for a device), ``current``
    the index of the design as written.
    """

    path: str
    options: tuple[Any, ...]
    current: int
    kind: str = "value"  # "device" | "value"

    def label(self, index: int) -> str:
        """An option as a person reads it.

        >>> Axis("models.m.device", (("L4", "fp16"), ("T4", "int8")), 0, "device").label(1)
        'T4 int8'
        """
        option = self.options[index]
        if self.kind == "device":
            return f"{option[0]} {option[1]}"
        return format_quantity(option) if isinstance(option, pint.Quantity) else f"{option:g}"


@dataclass(frozen=True)
class Candidate:
    """One configuration: the option index per axis, its monthly cost and its latency."""

    choice: tuple[int, ...]
    cost: float      # USD per month
    latency: float   # ms
    feasible: bool   # within the latency budget (and every fleet keeps up)


@dataclass(frozen=True)
class Plan:
    """The search's answer. Costs in USD/month, latencies in ms."""

    scenario: str
    axes: tuple[Axis, ...]
    budget: float
    latency_key: str
    searched: int
    feasible: int
    current: Candidate
    best: Candidate | None
    runner_up: Candidate | None      # the next cheapest configuration within budget
    cheaper_over: Candidate | None   # the cheapest configuration cheaper than best, over budget
    frontier: tuple[Candidate, ...]  # cost–latency Pareto frontier, cheapest first
    changes: tuple[tuple[int, Candidate], ...] = field(default=())  # (axis, candidate) single changes

    def describe(self, candidate: Candidate) -> dict[str, str]:
        return {axis.path: axis.label(i) for axis, i in zip(self.axes, candidate.choice)}


# ------------------------------------------------------------------------------ the space

def design_space(scenario: Any, accelerators: Sequence[str] | None = None) -> tuple[Axis, ...]:
    """The axes of ``scenario``'s design space (module docstring); ``accelerators`` narrows the catalog."""
    catalog = scenario.accelerators()
    names = [n for n in (accelerators if accelerators is not None else catalog) if n in catalog]
    axes: list[Axis] = []

    def devices(path: str, accelerator: str, precision: str) -> None:
        width = DTYPE_BYTES[precision]
        options = [(name, p) for name in names for p in catalog[name].peak if DTYPE_BYTES[p] <= width]
        if (accelerator, precision) not in options:
            options.insert(0, (accelerator, precision))
        axes.append(Axis(path, tuple(options), options.index((accelerator, precision)), "device"))

    def batches(path: str, current: float, sizes: Sequence[float], most: float | None) -> None:
        options = sorted({current, *(b for b in sizes if most is None or b <= most)})
        if len(options) > 1:
            axes.append(Axis(path, tuple(options), options.index(current)))

    for model in scenario.models:
        devices(f"models.{model.name}.device", model.accelerator, model.precision)
    if scenario.serving is not None:
        for stage in scenario.serving.stages:
            prefix = f"serving.stages.{stage.name}"
            if stage.accelerator is not None:
                devices(f"{prefix}.device", stage.accelerator, stage.precision)
            if (stage.accelerator is not None or stage.model is not None) and not isinstance(stage.batch_size, Range):
                batches(f"{prefix}.batch_size", float(stage.batch_size), BATCH_SIZES, float(highest(stage.items)))
    if scenario.llm is not None:
        devices("llm.device", scenario.llm.accelerator, scenario.llm.dtype)
        if not isinstance(scenario.llm.batch_size, Range):
            batches("llm.batch_size", float(scenario.llm.batch_size), LLM_BATCH_SIZES, None)
        if not isinstance(scenario.llm.tensor_parallel, Range):
            written = float(scenario.llm.tensor_parallel or 1.0)  # 1: as the memory needs, today's default
            options = sorted({written, *TENSOR_PARALLEL})
            axes.append(Axis("llm.tensor_parallel", tuple(options), options.index(written)))
    for path, value in iter_ranges(scenario):
        if isinstance(value, Choice):
            axes.append(Axis(path, value.options, 0))
    return tuple(axes)


def _size(axes: Sequence[Axis]) -> int:
    """Configurations in the space: the product of the axes' option counts, exact (a Python int:
    200 device axes of 3 options each overflow a float)."""
    return math.prod(len(a.options) for a in axes)


def _count_text(size: int) -> str:
    """A configuration count for a message: in full up to 10^15, else as a power of ten.

    >>> _count_text(10_368), _count_text(3**200)
    ('10,368', 'about 10^95')
    """
    return f"{size:,}" if size < 10**15 else f"about 10^{len(str(size)) - 1}"


# ------------------------------------------------------------------------------ evaluation

def _device_entry(options: Sequence[tuple[str, Precision]], index: np.ndarray, catalog: dict[str, Accelerator],
                  precision: Precision) -> Accelerator:
    """A synthetic device whose figures are arrays: element i is option ``index[i]``'s real entry."""
    chosen = [catalog[name] for name, _ in options]

    def gather(values: list[pint.Quantity]) -> pint.Quantity:
        unit = values[0].units
        return Q_(np.array([v.to(unit).magnitude for v in values], dtype=float)[index], unit)

    return Accelerator.model_construct(
        name="planned", kind="gpu", peak={precision: gather([d.peak[p] for d, (_, p) in zip(chosen, options)])},
        memory=gather([d.memory for d in chosen]), memory_bandwidth=gather([d.memory_bandwidth for d in chosen]),
        price=gather([d.price for d in chosen]), source="envelope plan", as_of=chosen[0].as_of)


def _configured(scenario: Any, axes: Sequence[Axis], choice: np.ndarray) -> Any:
    """``scenario`` with each axis set to its option per configuration (column ``choice[:, k]``)."""
    catalog = scenario.accelerators()
    extra: dict[str, Accelerator] = {}
    values: dict[str, Any] = {}
    for k, axis in enumerate(axes):
        index = choice[:, k]
        if axis.kind == "device":
            component = axis.path.removesuffix(".device")
            key = _DEVICE.format(k)
            precision = "dtype" if component == "llm" else "precision"
            written = {p for _, p in axis.options}
            # the LLM's dtype sets its weight bytes: configurations are grouped so it is one value here
            held = axis.options[int(index[0])][1] if component == "llm" else next(iter(sorted(written)))
            extra[key] = _device_entry(axis.options, index, catalog, held)
            values[f"{component}.accelerator"] = key
            values[f"{component}.{precision}"] = held
        else:
            first = axis.options[0]
            if isinstance(first, pint.Quantity):
                unit = first.units
                values[axis.path] = Q_(np.array([o.to(unit).magnitude for o in axis.options])[index], unit)
            else:
                values[axis.path] = np.array(axis.options, dtype=float)[index]
    changed = map_values(scenario, lambda path, v: values.get(path, v))
    catalogue = scenario.catalog.model_copy(update={"accelerators": {**scenario.catalog.accelerators, **extra}})
    return changed.model_copy(update={"catalog": catalogue})


def _latency_key(scenario: Any) -> str:
    serving = scenario.serving
    return f"serving.{serving.percentile}_latency_total" if serving.size_by else "serving.latency_total"


def evaluate(scenario: Any, axes: Sequence[Axis],
             choice: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly cost (USD), latency (ms) and whether the LLM's own time limits hold, for each
    configuration (rows of ``choice``), in one estimate per LLM precision. Cost and latency are
    ``inf`` where a fleet cannot keep up or no fleet meets its target.
    """
    n = len(choice)
    cost, latency, meets = np.full(n, np.inf), np.full(n, np.inf), np.zeros(n, dtype=bool)
    llm = next((k for k, a in enumerate(axes) if a.path == "llm.device"), None)
    groups = ([np.arange(n)] if llm is None else
              [np.flatnonzero(np.array([axes[llm].options[i][1] for i in choice[:, llm]]) == p)
               for p in sorted({p for _, p in axes[llm].options})])
    for rows in groups:
        if len(rows) == 0:
            continue
        result = estimate(_configured(scenario, axes, choice[rows]), refuse_overload=False)
        cost[rows], latency[rows], meets[rows] = _measures(scenario, result, len(rows))
    return cost, latency, meets


def _measures(scenario: Any, result: Estimate, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cost, latency, LLM limits met) of an estimate's ``n`` configurations. A configuration with no
    finite cost or latency (a fleet that cannot keep up) is out: both inf."""
    cost = _flat(result, "cost.monthly_total", "USD", n)
    latency = _flat(result, _latency_key(scenario), "ms", n) if scenario.serving is not None else np.zeros(n)
    bad = ~(np.isfinite(cost) & np.isfinite(latency))
    meets = np.ones(n, dtype=bool)
    llm = scenario.llm
    # With a TPOT target the estimate names the time per output token (speculative decoding included).
    tpot_key = "llm.time_per_output_token" if "llm.time_per_output_token" in result else "llm.decode_step_time"
    for limit, key in ((getattr(llm, "ttft_target", None), "llm.prefill_time"),
                       (getattr(llm, "tpot_target", None), tpot_key)):
        if limit is not None:
            meets &= _flat(result, key, "ms", n) <= limit.to("ms").magnitude
    return np.where(bad, np.inf, cost), np.where(bad, np.inf, latency), meets


def _flat(result: Estimate, key: str, unit: str, n: int) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.broadcast_to(np.asarray(result[key].to(unit).magnitude, dtype=float), (n,)).copy()


# ------------------------------------------------------------------------------ the search

def plan(scenario: Any, accelerators: Sequence[str] | None = None, axes: Sequence[Axis] | None = None) -> Plan:
    """Search the whole design space of ``scenario`` (module docstring) and pick the cheapest
    configuration within the latency budget (any, without serving stages). ``axes`` replaces the
    whole space by a narrower one. The space is evaluated in chunks of ``CHUNK`` configurations.

    Raises
    ------
    UsageError
        When the scenario has nothing to size (no models, serving stages or LLM), or the space
        exceeds ``MAX_CONFIGURATIONS``.
    """
    if scenario.serving is None and scenario.llm is None and not scenario.models:
        raise UsageError("plan needs something to size: models, serving stages or an llm section")
    axes = tuple(axes) if axes is not None else design_space(scenario, accelerators)
    size = _size(axes)
    if size > MAX_CONFIGURATIONS:
        raise UsageError(f"plan: {_count_text(size)} configurations over {len(axes):,} axes, more than "
                         f"{MAX_CONFIGURATIONS:,}; narrow the space with --accelerator or fewer {{choose: [...]}} "
                         "options, or plan a scenario with fewer models and serving stages")
    shape = [len(a.options) for a in axes]
    choice = np.stack(np.unravel_index(np.arange(size), shape), axis=1) if axes else np.zeros((1, 0), dtype=int)
    cost, latency, meets = np.empty(len(choice)), np.empty(len(choice)), np.empty(len(choice), dtype=bool)
    for start in range(0, len(choice), CHUNK):
        part = slice(start, start + CHUNK)
        cost[part], latency[part], meets[part] = evaluate(scenario, axes, choice[part])
    budget = float(scenario.serving.latency_budget.to("ms").magnitude) if scenario.serving is not None else np.inf
    ok = np.isfinite(cost) & (latency <= budget) & meets
    written = np.array([a.current for a in axes], dtype=int)
    changed = (choice != written).sum(axis=1)  # on a tie, the fewest changes to the design as written
    order = np.lexsort((changed, latency, cost))  # cheapest first, then fastest

    def candidate(i: int) -> Candidate:
        return Candidate(tuple(int(x) for x in choice[i]), float(cost[i]), float(latency[i]), bool(ok[i]))

    within = order[ok[order]]
    best = candidate(int(within[0])) if len(within) else None
    runner_up = cheaper_over = None
    if best is not None:
        # the runner-up is the cheapest design that costs more: one that only ties the best is the same answer
        dearer = within[cost[within] > best.cost * (1 + 1e-9)]
        runner_up = candidate(int(dearer[0])) if len(dearer) else None
        over = order[np.isfinite(cost[order]) & ~ok[order] & (cost[order] < best.cost)]
        cheaper_over = candidate(int(over[0])) if len(over) else None
    # the frontier: walking cheapest first, each configuration faster than every cheaper one
    finite = order[np.isfinite(cost[order])]
    running = np.minimum.accumulate(np.concatenate([[np.inf], latency[finite]]))[:-1]
    frontier = tuple(candidate(int(i)) for i in finite[latency[finite] < running])
    # single changes: within budget and one axis away from the design as written, cheapest first
    single = order[ok[order] & (changed[order] == 1)]
    changes = tuple((int(np.flatnonzero(choice[i] != written)[0]), candidate(int(i))) for i in single)
    current = candidate(int(np.ravel_multi_index(tuple(written), shape)) if axes else 0)
    return Plan(scenario.name, axes, budget, _latency_key(scenario) if scenario.serving is not None else "",
                size, int(ok.sum()), current, best, runner_up, cheaper_over, frontier, changes)


# ------------------------------------------------------------------------------ output

def frontier_rows(result: Plan) -> list[dict[str, Any]]:
    """The frontier as plain rows (for a table, a CSV or a chart): cost, latency, chosen flag, axes."""
    return [{"monthly_cost_usd": c.cost, "latency_ms": c.latency, "within_budget": c.feasible,
             "chosen": c == result.best, **result.describe(c)} for c in result.frontier]


def _candidate_json(result: Plan, c: Candidate | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"monthly_cost_usd": c.cost, "latency_ms": c.latency if result.latency_key else None,
            "within_budget": c.feasible, "configuration": result.describe(c)}


def plan_json(result: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data; every number is finite (impossible configurations are left out)."""
    return {
        "scenario": result.scenario,
        "latency_budget_ms": result.budget if np.isfinite(result.budget) else None,
        "latency": result.latency_key,
        "searched": result.searched,
        "within_budget": result.feasible,
        "axes": [{"path": a.path, "options": [a.label(i) for i in range(len(a.options))],
                  "current": a.label(a.current)} for a in result.axes],
        "current": _candidate_json(result, result.current) if np.isfinite(result.current.cost) else None,
        "chosen": _candidate_json(result, result.best),
        "runner_up": _candidate_json(result, result.runner_up),
        "runner_up_loses_by_usd": (result.runner_up.cost - result.best.cost) if result.runner_up and result.best else None,
        "cheaper_but_over_budget": _candidate_json(result, result.cheaper_over),
        "frontier": frontier_rows(result),
        "changes": [{"change": result.axes[k].path, "to": result.axes[k].label(c.choice[k]),
                     "monthly_cost_usd": c.cost, "latency_ms": c.latency} for k, c in result.changes],
    }


def brute_force(scenario: Any, axes: Sequence[Axis]) -> list[tuple[tuple[int, ...], float, float, bool]]:
    """Every configuration one at a time, each a plain scalar scenario with the real catalog entry:
    the reference the vectorised search is tested against (slow; small spaces only)."""
    out = []
    for combo in itertools.product(*[range(len(a.options)) for a in axes]):
        values: dict[str, Any] = {}
        for axis, i in zip(axes, combo):
            values |= inputs_of(axis, axis.options[i])
        def chosen_or(path: str, value: Any, chosen: dict[str, Any] = values) -> Any:
            return chosen.get(path, value)

        result = estimate(map_values(scenario, chosen_or), refuse_overload=False)
        cost, latency, meets = _measures(scenario, result, 1)
        out.append((combo, float(cost[0]), float(latency[0]), bool(meets[0])))
    return out


def _money(usd: float) -> str:
    return format_quantity(Q_(usd, "USD"), per="month")


def _ms(ms: float) -> str:
    return format_quantity(Q_(ms, "ms"))


def plan_csv(result: Plan) -> str:
    """The frontier as CSV: exact numbers, one configuration a row, the axes as columns."""
    import csv
    import io

    rows = frontier_rows(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["monthly_cost [USD]", "latency [ms]", "within_budget", "chosen", *(a.path for a in result.axes)]
    writer.writerow(header)
    writer.writerows([[row["monthly_cost_usd"], row["latency_ms"], row["within_budget"], row["chosen"],
                       *(row[a.path] for a in result.axes)] for row in rows])
    return buffer.getvalue()


def searched_text(result: Plan) -> str:
    """How many configurations the search tried, in words: ``1 configuration searched``, ``10,368 configurations searched``."""
    return f"{result.searched:,} configuration{'' if result.searched == 1 else 's'} searched"


CHANGES_SHOWN = 10  # the cheapest single changes a terminal shows


def plan_table_rows(result: Plan, changes: int = CHANGES_SHOWN) -> int:
    """The rows ``plan_tables`` lays out (the chosen configuration, the frontier, the changes), counted
    before rich builds anything."""
    return (len(result.axes) if result.best is not None else 0) + len(result.frontier) + len(result.changes[:changes])


def plan_tables(result: Plan, changes: int = CHANGES_SHOWN) -> list[Any]:
    """Rich renderables for the terminal: the verdict, the frontier, the cheapest single changes."""
    from rich.table import Table
    from rich.text import Text

    out: list[Any] = []
    what = "latency at zero load" if result.latency_key == "serving.latency_total" else "latency under load"
    timed = bool(result.latency_key)
    searched = searched_text(result)
    head = [f"{printable(result.scenario)}: {searched}, {result.feasible:,} within the "
            f"{_ms(result.budget)} budget ({result.latency_key})." if timed else
            f"{printable(result.scenario)}: {searched}; no serving stages, so no latency "
            "budget: the cheapest is chosen."]

    def at(c: Candidate) -> str:
        return f" at {_ms(c.latency)}" if timed else ""

    if result.best is None:
        head.append("No configuration meets the budget: see the frontier for the fastest ones.")
    else:
        head.append(f"Cheapest{' within budget' if timed else ''}: {_money(result.best.cost)}{at(result.best)}"
                    f"{' ' + what if timed else ''}.")
        if np.isfinite(result.current.cost):
            head.append(f"As written: {_money(result.current.cost)}{at(result.current)}"
                        f"{'' if result.current.feasible else ' (over budget)'}.")
        if result.runner_up is not None:
            head.append(f"Runner-up loses by {_money(result.runner_up.cost - result.best.cost)}"
                        f"{' (' + at(result.runner_up).strip() + ')' if timed else ''}: "
                        + ", ".join(f"{k} = {v}" for k, v in _differences(result, result.runner_up).items()))
        if result.cheaper_over is not None:
            head.append(f"Cheaper by {_money(result.best.cost - result.cheaper_over.cost)} but over budget"
                        f"{at(result.cheaper_over)}: "
                        + ", ".join(f"{k} = {v}" for k, v in _differences(result, result.cheaper_over).items()))
    out.append(Text("\n".join(head)))
    if result.best is not None:
        chosen = Table(title="Chosen configuration")
        chosen.add_column("choice")
        chosen.add_column("as written")
        chosen.add_column("chosen")
        for axis, i in zip(result.axes, result.best.choice):
            chosen.add_row(axis.path, axis.label(axis.current), axis.label(i))
        out.append(chosen)
    frontier = Table(title="Cost–latency Pareto frontier (cheapest first)")
    for name in ("monthly cost", "vs as written", "latency", "budget", *(a.path for a in result.axes)):
        frontier.add_column(name, justify="right" if name in ("monthly cost", "vs as written", "latency") else "left")
    for row, c in zip(frontier_rows(result), result.frontier):
        mark = "chosen" if row["chosen"] else ("within" if c.feasible else "over")
        frontier.add_row(_money(c.cost), _delta(result, c), _ms(c.latency), mark, *(row[a.path] for a in result.axes))
    out.append(frontier)
    if result.changes:
        title = ("Cheapest single changes within budget" if result.current.feasible else
                 "What to change: cheapest single changes that bring it within budget")
        table = Table(title=title)
        for name in ("change", "to", "monthly cost", "vs as written", "latency"):
            table.add_column(name, justify="left" if name in ("change", "to") else "right")
        for k, c in result.changes[:changes]:
            table.add_row(result.axes[k].path, result.axes[k].label(c.choice[k]), _money(c.cost), _delta(result, c),
                          _ms(c.latency))
        out.append(table)
    return out


def _delta(result: Plan, c: Candidate) -> str:
    if not np.isfinite(result.current.cost):
        return "—"
    change = c.cost - result.current.cost
    return ("+" if change > 0 else "−" if change < 0 else "±") + _money(abs(change))


def _differences(result: Plan, other: Candidate) -> dict[str, str]:
    assert result.best is not None
    return {a.path: a.label(j) for a, i, j in zip(result.axes, result.best.choice, other.choice) if i != j}


def plan_edits(result: Plan, candidate: Candidate) -> dict[str, str]:
    """The candidate as the app's edits: ``{input path: text}``, as its sidebar fields would hold them.

    A device axis sets its component's ``accelerator`` and ``precision`` (``dtype`` for the
    LLM); a value axis its own input.
    """
    from estimator.display import number_words
    from estimator.edits import quantity_text

    texts: dict[str, str] = {}
    for axis, i in zip(result.axes, candidate.choice):
        for path, value in inputs_of(axis, axis.options[i]).items():
            texts[path] = (value if isinstance(value, str) else quantity_text(value)
                           if isinstance(value, pint.Quantity) else number_words(value))
    return texts


def inputs_of(axis: Axis, option: Any) -> dict[str, Any]:
    """The scenario inputs one option of ``axis`` sets, by dotted path: a device sets its component's
    ``accelerator`` and ``precision`` (``dtype`` for the LLM); a value axis its own input."""
    if axis.kind != "device":
        return {axis.path: option}
    component = axis.path.removesuffix(".device")
    return {f"{component}.accelerator": option[0],
            f"{component}.{'dtype' if component == 'llm' else 'precision'}": option[1]}


def chart_points(result: Plan) -> list[dict[str, Any]]:
    """Every configuration on the frontier as a chart point: cost, latency, whether it is chosen."""
    return [{"monthly_cost": c.cost, "latency_ms": c.latency, "point": "chosen" if c == result.best else
             ("within budget" if c.feasible else "over budget"),
             "configuration": "; ".join(f"{k} = {v}" for k, v in result.describe(c).items()),
             "cost_text": _money(c.cost), "latency_text": _ms(c.latency)} for c in result.frontier]
