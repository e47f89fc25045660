"""Envelope: back-of-envelope capacity estimates for ML systems, with units checked and the working shown.

The package owns the numbers, from the file a person writes to every way they are shown::

    scenario.yaml → scenario.load_scenario → Scenario → estimate → Estimate → report / notes / views

- ``scenario/``   the file: models, sections, fields, catalog, safe YAML, loading and its problems;
- ``calc/``       pure formulas, one concern per module, each returning ``Step``s;
- ``estimate``    composition of the calc blocks; ``derived`` the scenario's own expressions;
- ``uncertainty`` sampling of ranged inputs, tornado and sweeps through the same calc functions;
- ``results.yaml`` the registry of result keys; ``display`` the one way a number is shown;
- ``report``, ``notes``, ``views/``, ``cli`` the table, Markdown, JSON, study notes, app rows, CLI.

In a notebook::

    >>> import estimator
    >>> from estimator.library import SCENARIOS_DIR
    >>> result = estimator.estimate(estimator.load_scenario(SCENARIOS_DIR / "video_recommendation.yaml"))
    >>> result.to_dataframe().loc["traffic.peak_qps", "shown"]
    '116 k request/s'

The four names below are imported here, from their homes: ``estimator.estimate`` is also the
module's name, and only a binding made after that module is loaded keeps the function reachable
as ``estimator.estimate``. (``import estimator`` therefore loads pint, numpy and pydantic.)
"""

from estimator.errors import EnvelopeError
from estimator.estimate import Estimate, estimate
from estimator.scenario import load_scenario

__all__ = ["EnvelopeError", "Estimate", "estimate", "load_scenario"]
