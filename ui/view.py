"""What every part of the page is drawn from, computed once per run by app.py."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from estimator.compose import Estimate
from estimator.scenario import Scenario


def scenario_id(file: str, text: bytes) -> str:
    """Names one scenario's widgets, so that another scenario starts from its own values.

    >>> scenario_id("a.yaml", b"name: a") == scenario_id("a.yaml", b"name: a") != scenario_id("b.yaml", b"name: a")
    True
    """
    return hashlib.sha256(file.encode() + b"\0" + text).hexdigest()[:12]


@dataclass(frozen=True)
class View:
    """The scenario as edited, its estimate, and the file's own estimate to compare with.

    A tab is a function ``(View) -> None``; app.TABS lists them, so a new view of the same
    estimate (uncertainty, sensitivity ...) is one more entry there.
    """

    file: str  # the name messages and downloads use (a bundled file's name or the upload's)
    text: bytes  # the file's text, as read or uploaded
    overrides: tuple[str, ...]  # the edits in effect, as --set overrides
    original: Scenario
    scenario: Scenario
    estimate: Estimate
    baseline: Estimate  # the estimate of the file as written
    theme: str
    direction: str

    @property
    def id(self) -> str:
        """Prefix of the keys of widgets whose values belong to this scenario (a sweep's bounds)."""
        return scenario_id(self.file, self.text)
