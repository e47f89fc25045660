"""Hardware and prices, read from the data files in ``estimator/scenario/catalog/``.

Every entry carries ``source`` and ``as_of``: a figure without them does not belong here.
A scenario may override an entry or add its own under ``catalog:``.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path
from typing import Literal

from estimator.scenario.fields import Amount, Strict
from estimator.scenario.source import safe_load

CATALOG_DIR = Path(__file__).with_name("catalog")

# Precisions an accelerator computes in (its ``peak`` keys); NumberFormat adds the storage-only
# formats of quantised weights. The bits of each live in catalog/dtypes.yaml (one home).
Precision = Literal["fp32", "tf32", "bf16", "fp16", "fp8", "int8"]
NumberFormat = Literal["fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4", "fp4", "nvfp4", "mxfp4", "nf4"]


def _dtype_table() -> dict[str, dict]:
    return safe_load((CATALOG_DIR / "dtypes.yaml").read_text(encoding="utf-8"))


_DTYPES = _dtype_table()

# Bytes a value of each format takes, block scales included (catalog/dtypes.yaml): whole formats
# stay integers, so results of 16- and 8-bit models print as they always have.
DTYPE_BYTES: dict[str, float] = {
    name: (int(entry["bits"]) // 8 if entry["bits"] % 8 == 0 else entry["bits"] / 8) for name, entry in _DTYPES.items()}

# The precision a format computes in where the accelerator lists no peak for the format itself
# (4-bit weights are dequantised in the kernel and multiplied at 16 bits).
DTYPE_COMPUTE: dict[str, str] = {name: entry["compute"] for name, entry in _DTYPES.items()}


class Accelerator(Strict):
    name: str
    kind: Literal["gpu", "cpu"] = "gpu"
    peak: dict[Precision, Amount("[compute] / [time]", "989 TFLOP/s", positive=True)]
    memory: Amount("[information]", "80 GB", positive=True)
    memory_bandwidth: Amount("[information] / [time]", "3.35 TB/s", positive=True)
    power: Amount("[power]", "700 W") | None = None
    price: Amount("[currency] / [time]", "3 USD/hour")
    source: str
    price_source: str | None = None
    as_of: datetime.date
    price_as_of: datetime.date | None = None


class Price(Strict):
    price: Amount("[currency] / [information] / [time]", "0.023 USD/GB/month") | Amount(
        "[currency] / [information]", "0.09 USD/GB") | Amount("[currency] / [time]", "15 USD/hour")
    source: str
    as_of: datetime.date


@cache
def bundled_accelerators() -> dict[str, Accelerator]:
    """The accelerators shipped with Envelope, by catalog key."""
    raw = safe_load((CATALOG_DIR / "accelerators.yaml").read_text(encoding="utf-8"))
    return {key: Accelerator.model_validate(entry) for key, entry in raw.items()}


@cache
def bundled_prices() -> dict[str, dict[str, Price]]:
    """Storage, network and labelling prices: {group: {name: Price}}."""
    raw = safe_load((CATALOG_DIR / "prices.yaml").read_text(encoding="utf-8"))
    return {group: {name: Price.model_validate(entry) for name, entry in entries.items()}
            for group, entries in raw.items()}
