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

__all__ = ["capped", "MAX_COMPONENTS", "MAX_DATASETS", "MAX_DERIVED", "MAX_ENTRIES", "MAX_FLOWS", "MAX_LINES", "MAX_MODELS",
           "MAX_STAGES"]

MAX_DATASETS = 1_000     # data: each is stored, priced, summed and drawn
MAX_MODELS = 1_000       # models: each is sized on its device, priced and drawn
MAX_STAGES = 1_000       # serving.stages: each is timed, sized under load and priced
MAX_COMPONENTS = 1_000   # components.add, .remove, .relabel; an availability's components
MAX_FLOWS = 1_000        # components.add_flows, .remove_flows
MAX_DERIVED = 200        # derived: each is a parsed, unit-checked expression of up to 500 characters
MAX_ENTRIES = 1_000      # any other list of named entries (indexes, trainings, feature groups, A/B tests ...)
MAX_LINES = 100          # lists of text lines: framing metrics, a component's notes


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
                "expected": f"at most {limit:,} {what} (Envelope's cap: every command stays quick)"})
        return value

    return BeforeValidator(check), Field(max_length=limit)
