"""What ranges do to results: percentiles, a tornado of inputs, and sweeps of one input.

Every analysis here replaces ranged inputs by numpy arrays and runs ``estimate`` ONCE: the
calc functions broadcast, so N samples (or the 2k tornado variants, or a sweep's steps) cost
one pass, with no per-sample Python loop and no second copy of any formula.

>>> from estimator.scenario import load_scenario_text
>>> s = load_scenario_text('''
... name: t
... traffic:
...   daily_active_users: {low: 100 million user, high: 400 million user}
...   requests_per_user_per_day: {low: 5 request/user/day, high: 10 request/user/day, dist: uniform}
... ''', "t.yaml")
>>> spread = sample_estimate(s, samples=20_000, seed=1)
>>> p5, p50, p95 = spread.intervals["traffic.average_qps"]  # median ≈ 200 M × 7.5 / 86,400 s
>>> p5 < p50 < p95, round(p50.to("request/s").magnitude, -3)
(True, 17000.0)
>>> [(row.input, round(row.swing.magnitude, -3)) for row in tornado(s, "traffic.peak_qps")]
[('traffic.daily_active_users', 52000.0), ('traffic.requests_per_user_per_day', 23000.0)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np
import pint

from estimator.errors import OptionError, ScenarioError, UsageError, did_you_mean
from estimator.compose import Estimate, estimate
from estimator.ranges import Range, iter_ranges, resolve_ranges
from estimator.units import Q_, parse_quantity, unit_text
from estimator.walk import iter_values, map_values

DEFAULT_SAMPLES = 10_000
MAX_SAMPLES = 1_000_000  # 1 M draws × ~100 results × 8 bytes is already ~1 GB of arrays
DEFAULT_SEED = 20240607
MAX_STEPS = 10_000
PERCENTILES = (5.0, 50.0, 95.0)


@dataclass(frozen=True)
class Interval:
    """A result's 5th, 50th and 95th percentiles, in the result's unit."""

    p5: pint.Quantity
    p50: pint.Quantity
    p95: pint.Quantity

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.p5, self.p50, self.p95))


@dataclass(frozen=True)
class Spread:
    """The point estimate, the sampled arrays of every result, and their percentiles."""

    point: Estimate
    samples: int
    seed: int
    intervals: dict[str, Interval]
    draws: dict[str, pint.Quantity]

    def varies(self, key: str) -> bool:
        """Whether a range reaches result ``key``: its draws are an array whose p5 and p95 differ."""
        interval = self.intervals[key]
        return bool(np.ndim(self.draws[key].magnitude) > 0 and interval.p95.magnitude != interval.p5.magnitude)


def check_samples(samples: int) -> int:
    """Refuse a sample count that is useless or would exhaust memory.

    >>> check_samples(0)
    Traceback (most recent call last):
    ...
    estimator.errors.OptionError: samples: given 0, expected a whole number from 1 to 1,000,000
    """
    if not 1 <= samples <= MAX_SAMPLES:
        raise OptionError("samples", given=str(samples), expected=f"a whole number from 1 to {MAX_SAMPLES:,}")
    return samples


MAX_SEED = 2**64 - 1  # numpy's generators take any non-negative integer; 64 bits is more than any seed needs


def check_seed(seed: int) -> int:
    """Refuse a seed numpy's generator cannot take (a negative one) with the option's name.

    Parameters
    ----------
    seed : int
        The ``--seed`` given.

    Returns
    -------
    int
        The seed, unchanged.

    Raises
    ------
    OptionError
        It is negative or larger than 64 bits.

    Examples
    --------
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    estimator.errors.OptionError: seed: given -1, expected a whole number from 0 to 18,446,744,073,709,551,615
    """
    if not 0 <= seed <= MAX_SEED:
        raise OptionError("seed", given=str(seed), expected=f"a whole number from 0 to {MAX_SEED:,}")
    return seed


def has_ranges(scenario: Any) -> bool:
    return bool(iter_ranges(scenario))


def will_sample(scenario: Any, samples: int | None) -> bool:
    """Whether ``estimate_as_asked(scenario, samples)`` draws samples: ``samples`` asked for and not
    0, or not asked for and the scenario has ranges."""
    return samples != 0 and (samples is not None or has_ranges(scenario))


# What sampling may hold: the draws of every result a range reaches, 8 bytes each, kept for the
# percentiles and histograms. It bounds time as well as memory: every draw is computed and then
# sorted for its percentiles, and issue 15's acceptance asks for any accepted file in under 3 s
# and 1 GB; 64 MiB (8.4 M draws) sorts in well under a second, and holds the app's 100,000
# samples of every bundled scenario (58 results vary at most).
SAMPLE_MEMORY_BUDGET = 64 * 2**20  # bytes
# One pass of `estimate` over a chunk of the draws allocates a few arrays per result. A pass also
# costs pint's work per result whatever its width, so the chunk is as large as the budget: any
# draws that fit take one pass (chunks of a smaller size made 1,000 datasets cost eight passes).
CHUNK_BYTES = SAMPLE_MEMORY_BUDGET


def sample_estimate(scenario: Any, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED, *,
                    point: Estimate | None = None) -> Spread:
    """Draw every ranged input ``samples`` times (one generator, fixed ``seed``) and estimate.

    The inputs are drawn first, all at once and in file order, exactly as a single pass would;
    the estimate then runs over chunks of those draws, so the answer does not depend on the
    chunk size and memory holds one chunk's working arrays, not every sample's.

    Parameters
    ----------
    scenario : Scenario
        A scenario with ranged inputs.
    samples : int
        Draws per ranged input, 1 to ``MAX_SAMPLES``.
    seed : int
        The generator's seed (``check_seed``).
    point : Estimate, optional
        ``estimate(scenario)``, when the caller has it already; worked out here otherwise.

    Returns
    -------
    Spread
        The point estimate, the draws of every result, and their percentiles.

    Raises
    ------
    OptionError
        ``samples`` or ``seed`` out of range, or the draws of the results the ranges reach
        would not fit in ``SAMPLE_MEMORY_BUDGET`` (the message says how many samples fit).
    """
    check_samples(samples)
    inputs = _draw(scenario, samples, check_seed(seed))
    point = estimate(scenario) if point is None else point
    draws: dict[str, pint.Quantity] = {}
    matrix = np.empty((0, 0))
    rows: dict[str, int] = {}
    order: list[str] = []
    for start, stop, part in _passes(scenario, inputs, samples, len(point.steps)):
        if start == 0:
            varying = _varying(part)
            _check_budget(len(varying), samples)
            rows = {key: index for index, key in enumerate(varying)}
            matrix = np.empty((len(varying), samples))
            order = [result.key for result in part]
            draws = {result.key: result.value for result in part if result.key not in rows}
        for key, index in rows.items():
            matrix[index, start:stop] = np.broadcast_to(part[key].magnitude, (stop - start,))
            if start == 0:
                draws[key] = Q_(matrix[index], part[key].units)
    draws = {key: draws[key] for key in order}
    return Spread(point, samples, seed, percentiles(draws), draws)


def _draw(scenario: Any, samples: int, seed: int) -> dict[str, Any]:
    """Every ranged input's ``samples`` draws from one generator seeded ``seed``, in file order."""
    rng = np.random.default_rng(seed)
    # iter_ranges walks the scenario in the order resolve_ranges (a single pass) meets the ranges,
    # without building the copy of the scenario that only the estimate passes need.
    return {path: r.sample(samples, rng) for path, r in iter_ranges(scenario)}


def _passes(scenario: Any, inputs: Mapping[str, Any], samples: int, results: int,
            first: Estimate | None = None) -> Iterator[tuple[int, int, Estimate]]:
    """The estimate over consecutive chunks of the draws: ``(start, stop, estimate of draws[start:stop])``.

    The first chunk assumes all ``results`` vary; once it shows how many do (only they are
    arrays), later chunks are sized for those: a file of many results that ranges do not reach
    takes two passes, not one per ``CHUNK_BYTES`` of results that never vary. ``first``, when
    given, is that first chunk's estimate, already computed over the same draws.
    """
    start, chunk = 0, _chunk(results, samples)
    while start < samples:
        stop = min(start + chunk, samples)
        part = first if start == 0 and first is not None else estimate(
            resolve_ranges(scenario, lambda path, _r, a=start, b=stop: inputs[path][a:b]))
        yield start, stop, part
        if start == 0:
            chunk = _chunk(len(_varying(part)), samples)
        start = stop


def _varying(part: Estimate) -> list[str]:
    """The keys of the results a range reaches: those whose values are arrays."""
    return [result.key for result in part if np.ndim(result.value.magnitude) > 0]


def _chunk(arrays: int, samples: int) -> int:
    """Samples per estimate pass when ``arrays`` results are arrays: ``CHUNK_BYTES`` of them, within [1,000, samples].

    >>> _chunk(120, 10_000), _chunk(8_000, 10_000), _chunk(0, 10_000), _chunk(8_000, 500)
    (10000, 1048, 10000, 500)
    """
    return int(np.clip(CHUNK_BYTES // (8 * max(1, arrays)), min(1_000, samples), samples))


def samples_that_fit(results: int, samples: int) -> int:
    """The most of ``samples`` whose draws of ``results`` varying results fit in ``SAMPLE_MEMORY_BUDGET``.

    8 bytes per draw of each result (float64), as ``sample_estimate`` keeps them. At least 1:
    the scenario caps keep results far below the 8.4 million that would not fit one sample.

    >>> samples_that_fit(58, 10_000), samples_that_fit(8_019, 10_000), samples_that_fit(0, 10_000)
    (10000, 1046, 10000)
    """
    if 8 * results * samples <= SAMPLE_MEMORY_BUDGET:
        return samples
    return max(1, SAMPLE_MEMORY_BUDGET // (8 * results))


def _check_budget(results: int, samples: int, option: str = "samples") -> None:
    """Refuse draws that would not fit in ``SAMPLE_MEMORY_BUDGET``, saying how many would.

    A sweep's steps are bounded the same way (``option="steps"``), counting every result since
    any may vary.

    >>> _check_budget(10_000, 10_000)
    Traceback (most recent call last):
    ...
    estimator.errors.OptionError: samples: 10,000 samples of the 10,000 results the ranges reach need 763 MiB; \
at most 838 fit in the 64 MiB sampling budget: ask for 838 or fewer (or range fewer inputs)
    """
    if 8 * results * samples <= SAMPLE_MEMORY_BUDGET:
        return
    fit = samples_that_fit(results, samples)
    reach = "the ranges reach" if option == "samples" else "in this scenario"
    raise OptionError(option, f"{samples:,} {option} of the {results:,} results {reach} need "
                              f"{8 * results * samples / 2**20:,.0f} MiB",
                      hint=f"at most {fit:,} fit in the {SAMPLE_MEMORY_BUDGET // 2**20:,} MiB sampling budget: ask "
                           f"for {fit:,} or fewer" + (" (or range fewer inputs)" if option == "samples" else ""))


def estimate_as_asked(scenario: Any, samples: int | None = None, seed: int | None = None, *,
                      check: bool = False, point: Estimate | None = None) -> tuple[Estimate, Spread | None]:
    """The estimate ``envelope estimate`` shows: sampled when the scenario has ranges, else the point.

    The one home of that decision: ``envelope estimate`` shows what it returns and ``envelope
    validate`` runs it with ``check=True``, so the two commands cannot disagree about a file.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario.
    samples : int or None
        The samples asked for: None draws ``DEFAULT_SAMPLES`` when the scenario has ranges (none when it
        has not), 0 gives the point estimate only.
    seed : int or None
        The seed asked for: None is ``DEFAULT_SEED``. Checked even when nothing is sampled, so a wrong
        option is never silently ignored.
    check : bool
        Validate's use: run every pass the sampled estimate runs and return no Spread (no
        percentiles). When ``SAMPLE_MEMORY_BUDGET`` refuses that many samples (a limit of the
        option, not a fault of the file) sample the most that fit instead, so every derived
        expression is still checked over sampled values.
    point : Estimate, optional
        ``estimate(scenario)``, when the caller has it already (not worked out twice).

    Returns
    -------
    tuple of (Estimate, Spread or None)
        The point estimate, and the sampled spread when there is one (None with ``check``).

    Raises
    ------
    OptionError
        ``samples`` or ``seed`` out of range, or (without ``check``) over the sampling budget.
    ScenarioError
        The file's fault, met in the point estimate or in a sampled pass (a derived expression
        that divides by some draws' zero).

    Examples
    --------
    >>> from estimator.scenario import load_scenario_text
    >>> s = load_scenario_text("name: t\\ntraffic: {daily_active_users: {low: 1 user, high: 2 user}, "
    ...                        "requests_per_user_per_day: 5 request/user/day}", "t.yaml")
    >>> point, spread = estimate_as_asked(s)
    >>> spread.samples, estimate_as_asked(s, samples=0)[1], estimate_as_asked(s, check=True)[1]
    (10000, None, None)
    """
    if samples is not None and not 0 <= samples <= MAX_SAMPLES:  # the option's 0 is the point estimate alone
        raise OptionError("samples", given=str(samples),
                          expected=f"0 (the point estimate alone) or a whole number from 1 to {MAX_SAMPLES:,}")
    if not will_sample(scenario, samples):
        if seed is not None:
            check_seed(seed)
        return (estimate(scenario) if point is None else point), None
    samples, seed = DEFAULT_SAMPLES if samples is None else samples, DEFAULT_SEED if seed is None else seed
    if not check:
        spread = sample_estimate(scenario, samples, seed, point=point)
        return spread.point, spread
    check_samples(samples)
    check_seed(seed)
    point = estimate(scenario) if point is None else point
    _check_sampling(scenario, point, samples, seed)
    return point, None


def _check_sampling(scenario: Any, point: Estimate, samples: int, seed: int) -> int:
    """Run every pass ``sample_estimate(scenario, samples, seed)`` runs, without keeping the draws.

    When the results the ranges reach would not fit ``samples`` in ``SAMPLE_MEMORY_BUDGET``,
    run instead every pass of ``sample_estimate(scenario, fit, seed)`` for the most that fit.
    Either way a fault is raised exactly as that estimate raises it. The first pass, which
    tells how many results vary, is not run twice when the smaller run would repeat it: the
    same first chunk over the same draws (one ranged input draws the same first values
    whatever the count).

    Returns
    -------
    int
        The samples drawn.
    """
    inputs = _draw(scenario, samples, seed)
    passes = _passes(scenario, inputs, samples, len(point.steps))
    _start, stop, first = next(passes)
    fit = samples_that_fit(len(_varying(first)), samples)
    if fit < samples:
        fewer = _draw(scenario, fit, seed)
        same = _chunk(len(point.steps), fit) == stop and all(
            np.array_equal(_magnitude(fewer[path])[:stop], _magnitude(drawn)[:stop]) for path, drawn in inputs.items())
        passes = _passes(scenario, fewer, fit, len(point.steps), first if same else None)
    for _ in passes:
        pass
    return fit


def _magnitude(value: Any) -> Any:
    return value.magnitude if isinstance(value, pint.Quantity) else value


def percentiles(values: Mapping[str, pint.Quantity]) -> dict[str, Interval]:
    """p5/p50/p95 of each array-valued quantity; a scalar (untouched by any range) is all three.

    >>> percentiles({"a": Q_(np.arange(101.0), "B"), "b": Q_(3.0, "s")})["a"].p95
    <Quantity(95.0, 'byte')>
    """
    arrays = {key: q for key, q in values.items() if np.ndim(q.magnitude) > 0}
    found: dict[str, Interval] = {}
    items = list(arrays.items())
    # In blocks of rows: stacking and sorting every result at once copied all the draws twice.
    block = max(1, CHUNK_BYTES // (8 * max(1, max((np.size(q.magnitude) for _, q in items), default=1))))
    for first in range(0, len(items), block):
        part = items[first:first + block]
        table = _percentile_rows(np.vstack([q.magnitude for _, q in part]), PERCENTILES)
        for row, (key, q) in enumerate(part):
            found[key] = Interval(*(Q_(float(table[row, i]), q.units) for i in range(3)))
    for key, q in values.items():
        if key not in arrays:
            found[key] = Interval(q, q, q)
    return {key: found[key] for key in values}


def _percentile_rows(matrix: np.ndarray, percents: Sequence[float]) -> np.ndarray:
    """``np.percentile(matrix, percents, axis=1)`` (linear interpolation), transposed.

    numpy's vectorised sort beats its partition-based percentile about threefold on rows of
    100,000 samples, and the sampler's time budget is mostly spent here.

    >>> m = np.random.default_rng(0).random((3, 1001))
    >>> bool(np.allclose(_percentile_rows(m, (5, 50, 95)), np.percentile(m, (5, 50, 95), axis=1).T))
    True
    """
    ordered = np.sort(matrix, axis=1)
    position = np.asarray(percents, dtype=float) / 100 * (ordered.shape[1] - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, ordered.shape[1] - 1)
    share = position - below
    return ordered[:, below] * (1 - share) + ordered[:, above] * share


def _target(result: Estimate, target: str) -> None:
    if target not in result:
        hint = did_you_mean(target, [s.key for s in result], cutoff=0.5)
        raise OptionError("target", f"no result named {target!r}", hint=hint or "see the estimate for the keys")


# ------------------------------------------------------------------------------ tornado

@dataclass(frozen=True)
class TornadoRow:
    """How far one input, moved from its low to its high (others at medians), moves the target."""

    input: str
    input_low: Any
    input_high: Any
    at_low: pint.Quantity
    at_high: pint.Quantity

    @property
    def swing(self) -> pint.Quantity:
        return abs(self.at_high - self.at_low)


def tornado(scenario: Any, target: str) -> list[TornadoRow]:
    """Each ranged input at its low and at its high, the others at their medians; biggest swing first.

    All 2k variants run as one array of length 2k through ``estimate``.
    """
    ranges = iter_ranges(scenario)
    if not ranges:
        raise UsageError("sensitivity needs ranges: write an input as {low: ..., high: ...}")
    order = {path: index for index, (path, _) in enumerate(ranges)}

    def variants(path: str, r: Range) -> Any:
        low, high, median = r.ends_and_median()
        values = np.full(2 * len(ranges), median)
        values[2 * order[path]], values[2 * order[path] + 1] = low, high
        return r.wrap(values)

    result = estimate(resolve_ranges(scenario, variants))
    _target(result, target)
    value = result[target]
    magnitude = np.broadcast_to(value.magnitude, (2 * len(ranges),))
    rows = [TornadoRow(path, r.low, r.high, Q_(float(magnitude[2 * i]), value.units),
                       Q_(float(magnitude[2 * i + 1]), value.units)) for i, (path, r) in enumerate(ranges)]
    return sorted(rows, key=lambda row: -row.swing.magnitude)


def tornado_rows(rows: Sequence[TornadoRow], base: pint.Quantity) -> list[dict[str, Any]]:
    """Plain rows for a chart: magnitudes in the target's unit, the base value (all medians) included."""
    units = base.units
    return [{"input": row.input, "at_low": float(row.at_low.to(units).magnitude),
             "at_high": float(row.at_high.to(units).magnitude), "base": float(base.magnitude),
             "swing": float(row.swing.to(units).magnitude), "unit": unit_text(units)} for row in rows]


# -------------------------------------------------------------------------------- sweeps

_SHORTHAND = re.compile(r"^\s*([+-]?[0-9][0-9_.]*(?:[eE][+-]?[0-9]+)?)([kKMBGT])(?![A-Za-z])(.*)$")
_SCALE = {"k": "thousand", "K": "thousand", "M": "million", "B": "billion", "G": "billion", "T": "trillion"}


def expand_shorthand(text: str) -> str:
    """``100M`` → ``100 million``, ``1B user`` → ``1 billion user``, ``10k`` → ``10 thousand``.

    >>> [expand_shorthand(t) for t in ("100M", "1B user", "10k", "2 KB", "500 B")]
    ['100 million', '1 billion user', '10 thousand', '2 KB', '500 B']
    """
    match = _SHORTHAND.match(text)
    return f"{match[1]} {_SCALE[match[2]]}{match[3]}" if match else text.strip()


@dataclass(frozen=True)
class Sweep:
    path: str
    values: Any  # the swept input: a quantity wrapping an array, or an array
    target: str
    results: pint.Quantity  # the target at each value
    flags: tuple[str, ...] = ()  # per value: the stages past the utilisation knee ("" when none)


def sweepable(scenario: Any) -> dict[str, tuple[tuple[str | int, ...], Any]]:
    """Inputs a sweep may move: dotted path → (path in the file, current value)."""
    return {path: (raw, value) for path, raw, value in iter_values(scenario, skip=("catalog", "framing"))
            if isinstance(value, (pint.Quantity, Range)) or (isinstance(value, float) and not isinstance(value, bool))}


def sweep_bounds(scenario: Any, spec: str, load: Callable[[list[str]], Any]) -> tuple[str, Any, Any]:
    """``PATH=LOW..HIGH`` → (path, low, high) checked by the field's own validator.

    ``load(overrides)`` re-reads the scenario with ``PATH=VALUE`` overrides, so a bound
    with the wrong dimension gets the same message as a wrong value in the file. A bound
    without a unit takes the field's (``100M..1B`` for users); ``B`` is a byte, not a
    billion, for sizes.
    """
    path, sep, bounds = spec.partition("=")
    low_text, dots, high_text = bounds.partition("..")
    # `1...2` would read as 1 .. .2 (a sweep down to 0.2): three dots are a typo, not a bound.
    if not sep or not dots or "..." in bounds or not low_text.strip() or not high_text.strip():
        raise OptionError("param", given=repr(spec), expected="PATH=LOW..HIGH, e.g. 'traffic.daily_active_users=100M..1B'")
    path = path.strip()
    inputs = sweepable(scenario)
    if path not in inputs:
        hint = did_you_mean(path, inputs, cutoff=0.5)
        raise OptionError("param", f"no input named {path!r} in this scenario", hint=hint)
    raw, current = inputs[path]
    sample = current.low if isinstance(current, Range) else current
    units = sample.units if isinstance(sample, pint.Quantity) else None
    is_size = units is not None and Q_(1, units).check("[information]")
    raw_text = ".".join(str(part) for part in raw)

    def bound(text: str) -> Any:
        text = text.strip() if is_size else expand_shorthand(text)
        try:
            unitless = parse_quantity(text).dimensionless
        except Exception:
            unitless = False  # the validator words the problem
        if unitless and units is not None and not Q_(1, units).dimensionless:
            text = f"{text} {unit_text(units)}"
        override = f"{raw_text}={text}"
        try:
            return _at(load([override]), path)
        except ScenarioError as error:
            own = [p for p in error.problems if p.file == f"--set {override!r}"]
            if not own:
                raise
            # The bound came from the sweep's own setting, not from the file: a setting's error, which
            # each front end words with its own name for it (the CLI's flag, the app's widget).
            text = "; ".join(str(replace(p, file="", line=None, column=None)).removeprefix(": ") for p in own)
            raise OptionError("param", f"{spec!r}: {text}") from None

    return path, bound(low_text), bound(high_text)


def _at(scenario: Any, path: str) -> Any:
    return sweepable(scenario)[path][1]


def sweep(scenario: Any, path: str, low: Any, high: Any, steps: int, target: str) -> Sweep:
    """``steps`` evenly spaced values of one input from ``low`` to ``high``, other ranges at medians."""
    if not 2 <= steps <= MAX_STEPS:
        raise OptionError("steps", given=str(steps), expected=f"a whole number from 2 to {MAX_STEPS:,}")
    _check_budget(len(estimate(scenario).steps), steps, "steps")
    if isinstance(low, pint.Quantity):
        values: Any = Q_(np.linspace(low.magnitude, high.to(low.units).magnitude, steps), low.units)
    else:
        values = np.linspace(float(low), float(high), steps)
    result = estimate(map_values(scenario, lambda p, v: values if p == path else v, skip=("catalog", "framing")))
    _target(result, target)
    value = result[target]
    return Sweep(path, values, target, Q_(np.broadcast_to(value.magnitude, (steps,)).copy(), value.units),
                 knee_flags(result, steps))


def knee_flags(result: Estimate, steps: int) -> tuple[str, ...]:
    """Per value, the stages whose utilisation passes the knee (estimator.calc.queueing), e.g.
    ``"above knee: ranking 0.86"``; all empty when the scenario does not model load."""
    from estimator.calc.queueing import UTILISATION_KNEE

    found = [(s.key.removeprefix("serving.stages.").removesuffix(".utilisation"),
              np.broadcast_to(s.value.magnitude, (steps,))) for s in result
             if s.key.startswith("serving.stages.") and s.key.endswith(".utilisation")]
    return tuple(", ".join(f"{name} {rho[i]:.2f}" for name, rho in found if rho[i] > UTILISATION_KNEE)
                 for i in range(steps)) if found else ()


def sweep_rows(swept: Sweep) -> list[dict[str, float]]:
    """Plain rows ``{path: x, target: y}`` for a table, a CSV or a line chart."""
    xs = swept.values.magnitude if isinstance(swept.values, pint.Quantity) else swept.values
    return [{swept.path: float(x), swept.target: float(y)} for x, y in zip(xs, swept.results.magnitude)]


def unit_of(value: Any) -> str:
    return unit_text(value.units) if isinstance(value, pint.Quantity) else ""
