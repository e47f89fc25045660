"""User-defined results: the scenario's ``derived:`` expressions over inputs and results.

Each expression is parsed by ``estimator.expressions`` (pint's parser with placeholders, never
``eval``), ordered by what it names (graphlib), unit-checked, and becomes a ``Step`` like any
calc result, its problems located in the file.
"""

from __future__ import annotations

import functools
import graphlib
from typing import Any

import pint

from estimator.conventions import Periods, calendar_word
from estimator.errors import Problem, ScenarioError
from estimator.expressions import ExpressionProblem, evaluate, names_in
from estimator.scenario import Scenario
from estimator.trace import Step, step
from estimator.units import parse_quantity
from estimator.walk import iter_quantities

__all__ = ["derived_steps"]

# Which names are calendar words: pint's name lookup, a pure function of the name under the one
# registry, asked for every name of every expression in every estimate pass; looked up once.
@functools.lru_cache(maxsize=4096)
def _calendar_word(name: str) -> str | None:
    """``calendar_word(name)``, cached by name."""
    return calendar_word(name)


def derived_steps(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    """The scenario's user-defined results (``derived:``), evaluated in dependency order.

    A calendar word in an expression (``day``, ``months``, ``yr`` ...) is the scenario's period,
    as it is in every input; ``seconds_per_day``, ``seconds_per_month`` and ``seconds_per_year``
    name them too.

    Parameters
    ----------
    s : Scenario
        The scenario, its quantities already in convention seconds (``estimate`` normalises them).
    periods : Periods
        Seconds in the scenario's day, month and year.
    so_far : dict of str to Step
        The results computed before; an expression may name any of them, or any input by its path.

    Returns
    -------
    dict of str to Step
        ``derived.<name>`` for each entry, in the unit it asks for (else pint's).

    Raises
    ------
    ScenarioError
        Located at ``derived[i].expr`` or ``.unit``: an unknown name, a cycle, a wrong dimension,
        text that is not a unit.
    """
    if not s.derived:
        return {}
    values = ({key: result.value for key, result in so_far.items()} | dict(iter_quantities(s))
              | {f"seconds_per_{name}": periods.seconds(name) for name in ("day", "month", "year")})
    uses = [_located(s, position, "expr", lambda d=derived: names_in(d.expr)) for position, derived in enumerate(s.derived)]
    for used in uses:
        for name in used:
            period = _calendar_word(name)
            if period and name not in values:
                values[name] = periods.seconds(period)
    by_name = {d.name: (position, d) for position, d in enumerate(s.derived)}
    order: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name, (position, _derived) in by_name.items():
        order.add(name, *[u for u in uses[position] if u in by_name])
    try:
        names = list(order.static_order())
    except graphlib.CycleError as error:
        cycle = " → ".join(error.args[1])
        position = by_name[error.args[1][0]][0]
        raise ScenarioError([_problem(s, position, "expr", f"derived quantities refer to each other: {cycle}")]) from None
    steps: dict[str, Step] = {}
    for name in names:
        position, derived = by_name[name]
        value = _located(s, position, "expr", lambda d=derived: evaluate(d.expr, values))
        if derived.unit:
            value = _located(s, position, "unit", lambda d=derived, v=value: v.to(parse_quantity(f"1 {d.unit}").units))
        values[name] = values[f"derived.{name}"] = value
        # A calendar word stays a word in the working ("1 month"); the conventions say how long it is.
        inputs = {n: values[n] for n in uses[position] if n in values and not _calendar_word(n)}
        steps[f"derived.{name}"] = step(f"derived.{name}", derived.label or name.replace("_", " ").capitalize(),
                                        derived.expr, value, **inputs)
    return steps


def _located(s: Scenario, index: int, field: str, compute):  # type: ignore[no-untyped-def]
    """Run ``compute``; a problem it meets is reported at derived[index].field."""
    try:
        return compute()
    except ExpressionProblem as problem:
        raise ScenarioError([_problem(s, index, field, str(problem))]) from None
    except pint.DimensionalityError as error:
        raise ScenarioError([_problem(s, index, field, "wrong dimension", given=str(error.dim1),
                                      expected=str(error.dim2))]) from None
    except Exception:  # pint's parser raises many types for text that is not a unit ("2**", "1/0", "(")
        if field != "unit":
            raise
        raise ScenarioError([_problem(s, index, field, "not a unit pint knows", given=repr(s.derived[index].unit),
                                      expected="a unit such as 'MB/user'")]) from None


def _problem(s: Scenario, index: int, field: str, what: str, **details: Any) -> Problem:
    if s.source is None:
        return Problem("<scenario>", None, None, f"derived[{index}].{field}", what, **details)
    return s.source.problem(("derived", index, field), what, **details)
