"""How many entries a scenario's lists may hold: each cap once, here, refused when the file loads.

Every entry of these lists is estimated, written into the report and the notes, and most are
drawn; a list of any length would make those stages as slow as the file is long (a 30 KB file
of merge keys holds thousands of datasets). Each cap is far above what a system design needs
and low enough that the largest accepted file runs every command in seconds
(benchmarks/bench_scaling.py measures 10, 100 and 1,000 of each). The loader's node and byte
caps (``source.MAX_NODES``, ``source.MAX_BYTES``) bound the file as a whole.

A list over its cap is one located problem, found before any of its entries is read:
``s.yaml:7:3: data: too many datasets: given 1,001 datasets, expected at most 1,000 datasets
(Envelope's cap: every command stays quick)``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

__all__ = ["WHY", "capped", "estimated_lists", "weight", "MAX_COMPONENTS", "MAX_ESTIMATED", "WEIGHTS", "MAX_DATASETS", "MAX_DERIVED", "MAX_ENTRIES", "MAX_FLOWS", "MAX_LINES", "MAX_MODELS",
           "MAX_STAGES"]

WHY = "Envelope's cap: every command stays quick"  # said by every cap's message

MAX_DATASETS = 1_000     # data: each is stored, priced, summed and drawn
MAX_MODELS = 1_000       # models: each is sized on its device, priced and drawn
MAX_STAGES = 200         # serving.stages: each is timed, sized under load (Erlang C) and priced, twice the
                         # cost of a dataset; a real funnel has a handful
MAX_COMPONENTS = 1_000   # components.add, .remove, .relabel; an availability's components
MAX_FLOWS = 1_000        # components.add_flows, .remove_flows
MAX_DERIVED = 200        # derived: each is a parsed, unit-checked expression of up to 500 characters
MAX_ENTRIES = 1_000      # any other list of named entries (indexes, trainings, feature groups, A/B tests ...)
MAX_LINES = 100          # lists of text lines: framing metrics, a component's notes
# Entries that are estimated (every list of entries outside `components` and `catalog`, counted
# together): each list's own cap bounds one list, this bounds a file that fills several.
MAX_ESTIMATED = 1_000
# An entry's share of that total: a serving stage (sized under load with Erlang C, on every sample)
# costs about three datasets' time (benchmarks/bench_scaling.py); every other entry counts 1.
WEIGHTS = {"stages": 3}
_NOT_ESTIMATED = ("components", "catalog")  # the architecture (drawing is capped apart) and price entries


def capped(limit: int, what: str) -> tuple[Any, Any]:
    """Annotations capping a list (or a mapping) at ``limit`` entries, each a ``what`` ("datasets").

    The length is checked before the entries are validated, so an overlong list is refused at
    once with one problem; JSON Schema carries the cap as ``maxItems`` for editors.

    Parameters
    ----------
    limit : int
        The most entries accepted: one of this module's constants.
    what : str
        What an entry is, in the plural, for the message.

    Returns
    -------
    tuple
        A validator and a ``Field``, to splat into ``typing.Annotated``.

    Examples
    --------
    >>> from typing import Annotated
    >>> from pydantic import TypeAdapter, ValidationError
    >>> adapter = TypeAdapter(Annotated[list[int], *capped(2, "numbers")])
    >>> adapter.validate_python([1, 2])
    [1, 2]
    >>> try:
    ...     adapter.validate_python([1, 2, 3])
    ... except ValidationError as error:
    ...     print(error.errors()[0]["ctx"])
    {'what': 'too many numbers', 'given': '3 numbers', 'expected': "at most 2 numbers (Envelope's cap: every command stays quick)"}
    """
    def check(value: Any) -> Any:
        if isinstance(value, (list, dict)) and len(value) > limit:
            raise PydanticCustomError("too_many", "{what}", {
                "what": f"too many {what}", "given": f"{len(value):,} {what}",
                "expected": f"at most {limit:,} {what} ({WHY})"})
        return value

    return BeforeValidator(check), Field(max_length=limit)


def estimated_lists(model: Any, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], int]]:
    """(path, length) of every non-empty list of entries the estimate works through, in field order.

    A list of entries is a list of models (datasets, stages, A/B tests ...); lists nested in an
    entry count too. ``MAX_ESTIMATED`` bounds their sum.

    Parameters
    ----------
    model : pydantic.BaseModel
        A validated scenario (or a section of one).
    path : tuple
        Where ``model`` sits in the scenario: the prefix of the paths returned.

    Returns
    -------
    list of (tuple, int)
        Each list's path in the scenario and its number of entries.

    Examples
    --------
    >>> from pydantic import BaseModel
    >>> class Stage(BaseModel):
    ...     name: str
    >>> class Serving(BaseModel):
    ...     stages: list[Stage]
    >>> class S(BaseModel):
    ...     serving: Serving
    ...     components: list[Stage] = []
    >>> estimated_lists(S(serving=Serving(stages=[Stage(name="a"), Stage(name="b")]), components=[Stage(name="c")]))
    [(('serving', 'stages'), 2)]
    """
    from pydantic import BaseModel

    found: list[tuple[tuple[str | int, ...], int]] = []
    for name in type(model).model_fields:
        if not path and name in _NOT_ESTIMATED:
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            found += estimated_lists(value, (*path, name))
        elif isinstance(value, list) and value and all(isinstance(item, BaseModel) for item in value):
            found.append(((*path, name), len(value)))
            for index, item in enumerate(value):
                found += estimated_lists(item, (*path, name, index))
    return found


def weight(path: tuple[str | int, ...]) -> int:
    """What one entry of the list at ``path`` counts toward ``MAX_ESTIMATED``.

    >>> weight(("serving", "stages")), weight(("data",))
    (3, 1)
    """
    return WEIGHTS.get(str(path[-1]), 1)
