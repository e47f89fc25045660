"""Class imbalance: keep every positive and a share w of negatives, then undo the shift.

Positive rate 1 %, negatives kept at 10 %: rows kept 10.9 % of the original, positives are
then 9.17 % of the training set, and a prediction q = 9.17 % maps back to p = 1 %:

>>> r = imbalance_steps(positive_rate=0.01, keep_rate=0.1, examples=Q_(1e9, "example"),
...                     example_size=Q_(1e3, "B"), prediction=None)
>>> round(float(r["imbalance.positive_share"].value.magnitude), 4)
0.0917
>>> round(float(r["imbalance.calibrated_rate"].value.magnitude), 6)
0.01
"""

from __future__ import annotations

import pint

from estimator.trace import Step, step
from estimator.units import Q_  # noqa: F401 - used by doctests

CALIBRATION = "q / (q + (1 − q) / negative_keep_rate)"


def imbalance_steps(*, positive_rate: float, keep_rate: float, examples: pint.Quantity,
                    example_size: pint.Quantity | None, prediction: float | None) -> dict[str, Step]:
    """Rows and storage kept after negative downsampling; the new positive share; the correction.

    ``examples`` are counted over one training window (or day). ``prediction`` is the q to map
    back; by default the new positive share itself, which must map back to the true rate.
    """
    kept_share = positive_rate + (1 - positive_rate) * keep_rate
    kept = step("imbalance.rows_kept", "Training rows kept",
                "examples × (positive_rate + (1 − positive_rate) × negative_keep_rate)", examples * kept_share,
                examples=examples, positive_rate=positive_rate, negative_keep_rate=keep_rate)
    share = step("imbalance.positive_share", "Positive share after downsampling",
                 "positive_rate / (positive_rate + (1 − positive_rate) × negative_keep_rate)",
                 positive_rate / kept_share, positive_rate=positive_rate, negative_keep_rate=keep_rate)
    q = share.value.magnitude if prediction is None else prediction
    calibrated = step("imbalance.calibrated_rate", "Calibrated rate p for a downsampled prediction q",
                      CALIBRATION, q / (q + (1 - q) / keep_rate), q=q, negative_keep_rate=keep_rate)
    steps = [kept, share, calibrated]
    if example_size is not None:
        steps.append(step("imbalance.storage_kept", "Training storage kept", "imbalance.rows_kept × example_size",
                          (kept.value * example_size / Q_(1.0, "example")).to("B"),
                          **{"imbalance.rows_kept": kept.value}, example_size=example_size))
    return {s.key: s for s in steps}
