"""Hardware and prices, read from the data files in ``estimator/scenario/catalog/``.

Every entry carries ``source`` and ``as_of``: a figure without them does not belong here.
Every entry can be replaced, and new ones added, in three layers, the later winning:
the bundled files, a user's price book (``--catalog prices.yaml``, or an upload in the app),
and the scenario's own ``catalog:`` section. All three have the same shape (``Catalog``).
"""

# Annotations are objects, not postponed strings: pydantic compiled and evaluated each string
# annotation when the models were declared (~3 ms of `envelope estimate`'s start-up).

import datetime
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import model_validator

from estimator.scenario.fields import Amount, Quantity, Strict
from estimator.scenario.source import safe_load

__all__ = ["CATALOG_DIR", "DTYPE_BYTES", "DTYPE_COMPUTE", "FLEET_WORDS", "PRICE_GROUPS", "Accelerator", "Catalog",
           "Entries", "Layers", "NumberFormat", "Precision", "Price", "Strict", "bundled_accelerators", "bundled_catalog", "bundled_prices",
           "layered"]

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

# The LLM roofline's calibrated error band, estimate / measured throughput (catalog/model_error.yaml,
# from docs/calibration.md): (low, high), shown beside the throughput results.
_BAND = safe_load((CATALOG_DIR / "model_error.yaml").read_text(encoding="utf-8"))["llm_roofline"]
LLM_ERROR_BAND: tuple[float, float] = (float(_BAND["low"]), float(_BAND["high"]))

# The precision a format computes in where the accelerator lists no peak for the format itself
# (4-bit weights are dequantised in the kernel and multiplied at 16 bits).
DTYPE_COMPUTE: dict[str, Precision] = {name: entry["compute"] for name, entry in _DTYPES.items()}


# How a fleet of each kind of device is named in results: a CPU fleet is not "GPUs".
FLEET_WORDS: dict[str, str] = {"gpu": "GPUs", "tpu": "TPU chips", "cpu": "CPU servers"}


class Accelerator(Strict):
    name: str
    # What a device is, so a fleet is named for what it is: GPUs, TPU chips, CPU servers.
    kind: Literal["gpu", "tpu", "cpu"] = "gpu"
    peak: dict[Precision, Annotated[Quantity, Amount("[compute] / [time]", "989 TFLOP/s", positive=True)]]
    memory: Annotated[Quantity, Amount("[information]", "80 GB", positive=True)]
    memory_bandwidth: Annotated[Quantity, Amount("[information] / [time]", "3.35 TB/s", positive=True)]
    power: Annotated[Quantity, Amount("[power]", "700 W")] | None = None
    price: Annotated[Quantity, Amount("[currency] / [time]", "3 USD/hour")]
    source: str
    price_source: str | None = None
    as_of: datetime.date
    price_as_of: datetime.date | None = None


class Price(Strict):
    price: (Annotated[Quantity, Amount("[currency] / [information] / [time]", "0.023 USD/GB/month")]
            | Annotated[Quantity, Amount("[currency] / [information]", "0.09 USD/GB")]
            | Annotated[Quantity, Amount("[currency] / [time]", "15 USD/hour")])
    source: str
    as_of: datetime.date


# What a unit price of each group is per, as (dimension, example): storage tiers (the online
# feature store included, tier ``memory``) per GB held per month, network tiers (egress, a CDN)
# per GB sent, labelling per person-hour.
PRICE_GROUPS: dict[str, tuple[str, str]] = {
    "storage": ("[currency] / [information] / [time]", "0.023 USD/GB/month"),
    "network": ("[currency] / [information]", "0.02 USD/GB"),
    "labelling": ("[currency] / [time]", "23 USD/hour"),
}
PriceGroup = Literal["storage", "network", "labelling"]


_Model = TypeVar("_Model", bound=Strict)
_Value = TypeVar("_Value")


class Catalog(Strict):
    """Entries of a catalog layer: a scenario's ``catalog:`` section, or a user's price book file.

    Any bundled entry can be replaced by giving its key, and new ones added; each entry needs
    its ``source`` and ``as_of`` like the bundled ones. A price must be per the unit its group is
    priced in (``PRICE_GROUPS``): a CDN price in USD/GB under ``network``, say.
    """

    accelerators: dict[str, Accelerator] = {}
    prices: dict[PriceGroup, dict[str, Price]] = {}

    @model_validator(mode="after")
    def _per_group_unit(self) -> Self:
        from estimator.units import Q_

        for group, entries in self.prices.items():
            dimension, example = PRICE_GROUPS[group]
            for name, entry in entries.items():
                if entry.price.dimensionality != Q_(1.0, example.split(" ", 1)[1]).dimensionality:
                    raise ValueError(f"prices.{group}.{name}: a {group} price is per {example.split('/', 1)[1]} "
                                     f"(e.g. '{example}'), not {entry.price.units:~}")
        return self


class Entries(Mapping[str, _Model]):
    """A bundled file's entries by catalog key, each validated the first time it is looked up.

    A scenario names one or two of the bundled accelerators and a few prices; validating all of
    them (a pint parse per quantity) was a third of loading a scenario for ``envelope estimate``
    (benchmarks/bench_cli_cold_start.py). Every entry still passes the same model before it is
    used, and whatever iterates the catalog (the planner, ``envelope validate``'s listing, the
    tests) validates every entry it meets.

    >>> entries = Entries({"a": {"price": "1 USD/GB", "source": "s", "as_of": "2026-01-01"}}, Price)
    >>> "a" in entries, len(entries._checked)
    (True, 0)
    >>> entries["a"].price, len(entries._checked)
    (<Quantity(1.0, 'USD / gigabyte')>, 1)
    """

    def __init__(self, raw: Mapping[str, Any], model: type[_Model]) -> None:
        self._raw = raw
        self._model = model
        self._checked: dict[str, _Model] = {}

    def __getitem__(self, key: str) -> _Model:
        entry = self._checked.get(key)
        if entry is None:
            entry = self._checked[key] = self._model.model_validate(self._raw[key])
        return entry

    def __contains__(self, key: object) -> bool:  # Mapping's own would validate the entry to tell
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class Layers(Mapping[str, _Value]):
    """Several layers of entries as one, a later layer's entry replacing an earlier one's.

    Reads as the dict ``{} | first | second ...`` would, keys in the same order, without
    looking up (and so validating) an entry of a lazy layer until it is asked for.

    >>> merged = Layers([{"a": 1, "b": 2}, {"c": 3, "a": 4}])
    >>> dict(merged) == {"a": 1, "b": 2} | {"c": 3, "a": 4}, list(merged)
    (True, ['a', 'b', 'c'])
    """

    def __init__(self, layers: Sequence[Mapping[str, _Value]]) -> None:
        self._layers = tuple(layers)

    def __getitem__(self, key: str) -> _Value:
        for layer in reversed(self._layers):
            if key in layer:
                return layer[key]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return any(key in layer for layer in self._layers)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(key for layer in self._layers for key in layer))

    def __len__(self) -> int:
        return len(dict.fromkeys(key for layer in self._layers for key in layer))


def _merged(layers: Sequence[Mapping[str, _Value]]) -> Mapping[str, _Value]:
    """The layers as one mapping: a plain dict of plain dicts, else a lazy view (``Layers``)."""
    if any(isinstance(layer, (Entries, Layers)) for layer in layers):
        return Layers(layers)
    merged: dict[str, _Value] = {}
    for layer in layers:
        merged |= layer
    return merged


@cache
def bundled_accelerators() -> Mapping[str, Accelerator]:
    """The accelerators shipped with Envelope, by catalog key (each validated on first look-up)."""
    return Entries(safe_load((CATALOG_DIR / "accelerators.yaml").read_text(encoding="utf-8")), Accelerator)


@cache
def bundled_prices() -> dict[str, Mapping[str, Price]]:
    """Storage, network and labelling prices: {group: {name: Price}} (each validated on first look-up)."""
    raw = safe_load((CATALOG_DIR / "prices.yaml").read_text(encoding="utf-8"))
    return {group: Entries(entries, Price) for group, entries in raw.items()}


def bundled_catalog() -> Catalog:
    """The bundled files as one catalog layer (the bottom one)."""
    return Catalog.model_construct(accelerators=bundled_accelerators(), prices=bundled_prices())


def layered(*layers: Catalog) -> Catalog:
    """One catalog from layers, a later layer's entry replacing an earlier one's of the same key.

    Layers of plain dicts (a price book, a scenario's ``catalog:``) merge into plain dicts; with
    the bundled layer, entries are looked up through the layers when asked for (``Layers``).

    >>> book = Catalog(prices={"network": {"egress": {"price": "0.05 USD/GB", "source": "book",
    ...                                                "as_of": "2026-01-01"}}})
    >>> top = Catalog(prices={"network": {"cdn": {"price": "0.02 USD/GB", "source": "quote",
    ...                                            "as_of": "2026-02-01"}}})
    >>> merged = layered(bundled_catalog(), book, top)
    >>> sorted(merged.prices["network"]), merged.prices["network"]["egress"].source
    (['cdn', 'egress'], 'book')
    >>> "object_store" in merged.prices["storage"], "L4" in merged.accelerators
    (True, True)
    >>> type(layered(book, top).prices["network"]).__name__
    'dict'
    """
    groups = dict.fromkeys(group for layer in layers for group in layer.prices)
    prices = {group: _merged([layer.prices[group] for layer in layers if group in layer.prices]) for group in groups}
    return Catalog.model_construct(accelerators=_merged([layer.accelerators for layer in layers]), prices=prices)
