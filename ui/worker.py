"""The app's work on a large scenario, done in a separate process (see ``ui.cached``).

Streamlit runs every session's script in a thread of one process, so a CPU-bound estimate of a
large upload held the GIL and slowed every other session's reruns. ``ui.cached`` hands the work on
such a file to a worker process running the functions here; the script thread only waits (which
releases the GIL) and gets back the result, pickled.

What to compute is written once, as a function and its arguments, and resolved the same way in
either process (``call``): an argument ``Loaded(overrides)`` or ``Estimated(overrides)`` stands for
the scenario or the estimate of the file with those overrides, taken from that process's cache.
Nothing here imports Streamlit, so a worker starts with the estimator alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from estimator.compose import Estimate, estimate
from estimator.scenario import Scenario, load_scenario_text

__all__ = ["Estimated", "Loaded", "call", "estimated", "loaded", "ready", "resolved"]


@dataclass(frozen=True)
class Loaded:
    """Stands for the scenario of the file with ``overrides``."""

    overrides: tuple[str, ...]


@dataclass(frozen=True)
class Estimated:
    """Stands for the estimate of the file with ``overrides``."""

    overrides: tuple[str, ...]


Load = Callable[[bytes, str, tuple[str, ...]], Scenario]
Estimator = Callable[[bytes, str, tuple[str, ...]], Estimate]


def resolved(function: Callable[..., Any], text: bytes, file: str, args: Sequence[Any], load: Load,
             estimated_by: Estimator) -> Any:
    """``function(*args)`` with each ``Loaded``/``Estimated`` argument replaced by ``load``'s scenario or
    ``estimated_by``'s estimate of ``text`` (named ``file``) with its overrides.

    Parameters
    ----------
    function
        A module-level function (it is pickled by name when it runs in the worker).
    text, file
        The scenario file's bytes and the name its messages use.
    args
        Plain arguments, or ``Loaded``/``Estimated`` markers.
    load, estimated_by
        The cached ``load_scenario_text`` and estimate of the calling process.

    Returns
    -------
    Any
        What ``function`` returns.

    >>> resolved(len, b"", "f", [Loaded(("a",))], lambda t, f, o: list(o), lambda t, f, o: [])
    1
    """
    def one(arg: Any) -> Any:
        if isinstance(arg, Loaded):
            return load(text, file, arg.overrides)
        if isinstance(arg, Estimated):
            return estimated_by(text, file, arg.overrides)
        return arg

    return function(*(one(arg) for arg in args))


# The worker's own memory of the last files and edits it worked on: a view (the results table,
# the cards) asked for after the estimate finds it here instead of estimating again. A few entries:
# an accepted file's estimate is tens of megabytes.
@functools.lru_cache(maxsize=16)
def loaded(text: bytes, file: str, overrides: tuple[str, ...]) -> Scenario:
    """``load_scenario_text``, remembered on its arguments."""
    return load_scenario_text(text, file, list(overrides))


@functools.lru_cache(maxsize=4)
def estimated(text: bytes, file: str, overrides: tuple[str, ...]) -> Estimate:
    """The estimate of the file with ``overrides``, remembered on its arguments."""
    return estimate(loaded(text, file, overrides))


def call(function: Callable[..., Any], text: bytes, file: str, *args: Any) -> Any:
    """``resolved`` with this process's caches: what the worker runs."""
    return resolved(function, text, file, args, loaded, estimated)



def ready() -> bool:
    """Nothing to do: a first task makes a new worker process start and import this module."""
    return True
