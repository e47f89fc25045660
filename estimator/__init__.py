"""Envelope: back-of-envelope capacity estimates for ML systems, with units checked and the working shown.

The package owns the numbers, from the file a person writes to every way they are shown::

    scenario.yaml → scenario.load_scenario → Scenario → estimate → Estimate → report / notes / views

- ``scenario/``   the file: models, sections, fields, catalog, safe YAML, loading and its problems;
- ``calc/``       pure formulas, one concern per module, each returning ``Step``s;
- ``compose``     ``estimate``: composition of the calc blocks; ``derived`` the scenario's own expressions;
- ``uncertainty`` sampling of ranged inputs, tornado and sweeps through the same calc functions;
- ``results.yaml`` the registry of result keys; ``display`` the one way a number is shown;
- ``report``, ``notes``, ``views/``, ``cli`` the table, Markdown, JSON, study notes, app rows, CLI.

In a notebook::

    >>> import estimator
    >>> from estimator.library import SCENARIOS_DIR
    >>> result = estimator.estimate(estimator.load_scenario(SCENARIOS_DIR / "video_recommendation.yaml"))
    >>> result.to_dataframe().loc["traffic.peak_qps", "shown"]
    '116 k request/s'

The four names below are loaded from their homes on first use (PEP 562 ``__getattr__``), so
``import estimator`` alone, or a command that needs none of them (``envelope list``, ``--help``),
does not load pint, numpy and pydantic. No submodule is named like a name re-exported here:
``estimator.estimate`` is always the function.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and editors; at run time __getattr__ loads them
    from estimator.compose import Estimate, estimate
    from estimator.errors import EnvelopeError
    from estimator.scenario import load_scenario

__all__ = ["EnvelopeError", "Estimate", "estimate", "load_scenario"]

# Each public name → the module that is its home.
_HOMES = {"EnvelopeError": "estimator.errors", "Estimate": "estimator.compose", "estimate": "estimator.compose",
          "load_scenario": "estimator.scenario"}


def __getattr__(name: str) -> Any:
    """Load a public name from its home on first use; it is then an ordinary attribute."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'estimator' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
