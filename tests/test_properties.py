"""Properties over generated scenarios (hypothesis), sized for CI: a few seconds in all.

* Any document — random text, random bytes, random nested data, a valid scenario with one
  value replaced by junk — either loads and estimates or raises ScenarioError. Nothing else.
* A random valid scenario gives finite, non-negative results in the dimension each result declares.
* More users never mean fewer QPS, less storage or fewer accelerators; a longer retention never
  means less storage.
* Every displayed result reads back through pint to its JSON value within display rounding; a
  plain number prints no unit; a per-month figure moves in proportion to the scenario's month
  (built from its day) when nothing else changed.

ENVELOPE_PROPERTY_EXAMPLES=600 runs each property on more examples (a longer hunt, not for CI).
"""

from __future__ import annotations

import math
import os
import re
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS
from estimator.scenario.catalog import bundled_accelerators
from estimator.errors import ScenarioError
from estimator.compose import estimate
from estimator.scenario import Scenario, load_scenario_text

FAST = settings(max_examples=int(os.environ.get("ENVELOPE_PROPERTY_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------------------ strategies


def positive(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def datasets(draw: Any, index: int) -> dict[str, Any]:
    rate = (f"{draw(positive(0.001, 100))!r} event/request" if draw(st.booleans())
            else f"{draw(positive(1, 1e12))!r} record/day")
    key = "records_per_request" if "request" in rate else "records_per_day"
    return {"name": f"d{index}", key: rate, "record_size": f"{draw(positive(1, 1e6))!r} B",
            "retention": f"{draw(positive(1, 3650))!r} day", "replication": draw(positive(1, 5)),
            "compression_ratio": draw(positive(1, 10)),
            "tier": draw(st.sampled_from(["object_store", "block_ssd", "memory"]))}


@st.composite
def models(draw: Any, index: int) -> dict[str, Any]:
    accelerators = bundled_accelerators()
    name = draw(st.sampled_from(sorted(accelerators)))
    model = {"name": f"m{index}", "accelerator": name,
             "precision": draw(st.sampled_from(sorted(accelerators[name].peak))),
             "inferences_per_request": f"{draw(positive(1, 1000))!r} inference/request",
             "utilisation": draw(positive(0.05, 1)), "headroom": draw(positive(1, 3))}
    if draw(st.booleans()):
        model["parameters"] = f"{draw(positive(1e3, 1e11))!r} parameter"
    else:
        model["flops_per_inference"] = f"{draw(positive(1e3, 1e13))!r} FLOP/inference"
    return model


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    """A valid scenario as data: traffic, datasets, online features and models with random sizes."""
    data: dict[str, Any] = {
        "name": "Generated",
        "conventions": {"day": draw(st.sampled_from(["86400 s", "1e5 s"])),
                        "month": draw(st.sampled_from(["calendar", "30 days", "2.5e6 s"])),
                        "peak_factor": draw(positive(1, 10))},
        "traffic": {"daily_active_users": f"{draw(positive(1, 1e10))!r} user",
                    "requests_per_user_per_day": f"{draw(positive(0.01, 1000))!r} request/user/day",
                    "write_fraction": draw(positive(0, 1)),
                    "request_size": f"{draw(positive(0, 1e7))!r} B",
                    "response_size": f"{draw(positive(0, 1e7))!r} B"},
        "data": [draw(datasets(i)) for i in range(draw(st.integers(0, 3)))],
        "models": [draw(models(i)) for i in range(draw(st.integers(0, 2)))],
    }
    if draw(st.booleans()):
        data["features"] = {"online": {"groups": [
            {"entity": "user", "entities": draw(positive(0, 1e10)), "features": draw(positive(0, 1000)),
             "embedding_dim": draw(st.integers(0, 512)), "lookups_per_request": draw(positive(0, 500))}]}}
    return data


def loaded(data: dict[str, Any]) -> Scenario:
    return load_scenario_text(yaml.safe_dump(data, allow_unicode=True), "generated.yaml")


# ------------------------------------------------------------------ never another exception

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
           | st.sampled_from(["1 GB", "-1 user", "9**9**9", "nan", "5 request/s", "1e308 B", "calendar", "T4",
                              "{low: 1, high: 2}", "0", "", "100 million user", "10 request/user/day"]))
KEYS = st.sampled_from(["name", "traffic", "data", "features", "models", "derived", "conventions", "catalog",
                        "daily_active_users", "requests", "online", "groups", "low", "high", "expr", "unit",
                        "accelerators", "components", "serving", "llm", "training"]) | st.text(max_size=12)
NESTED = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=30)


def only_scenario_errors(text: str | bytes) -> None:
    try:
        estimate(load_scenario_text(text, "random.yaml"))
    except ScenarioError as error:
        message = str(error)
        assert message and all(line.startswith("random.yaml") for line in message.splitlines()), message


@FAST
@given(st.text(max_size=300))
def test_random_text_only_ever_gives_a_scenario_error(text):
    only_scenario_errors(text)


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_only_ever_give_a_scenario_error(data):
    only_scenario_errors(data)


@FAST
@given(NESTED)
def test_random_data_only_ever_gives_a_scenario_error(value):
    only_scenario_errors(yaml.safe_dump(value, allow_unicode=True))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@FAST
@given(scenarios(), st.data(), NESTED)
def test_a_valid_scenario_with_one_value_replaced_by_junk_gives_a_scenario_error_or_an_estimate(data, choice, junk):
    path = choice.draw(st.sampled_from(_paths(data)))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = junk
    only_scenario_errors(yaml.safe_dump(data, allow_unicode=True))


# -------------------------------------------------------------- finite, non-negative, declared

# The dimension each kind of result declares, by the end of its key.
DECLARED = {
    "_qps": "[request] / [time]", "footprint": "[information]", "size": "[information]",
    "bandwidth": "[information] / [time]", "monthly_cost": "[currency]", "monthly_total": "[currency]",
    "accelerators": "[accelerator]", "stored_per_day": "[information]", "stored_per_month": "[information]",
    "requests_per_day": "[request]", "requests_per_month": "[request]", "required_flops": "[compute] / [time]",
}


@FAST
@given(scenarios())
def test_valid_scenarios_give_finite_non_negative_results_in_their_declared_units(data):
    result = estimate(loaded(data))
    assert "traffic.peak_qps" in result and "cost.monthly_total" in result
    for key, found in result.steps.items():
        magnitude = float(found.value.magnitude)
        assert math.isfinite(magnitude) and magnitude >= 0, (key, found.value)
        for suffix, dimension in DECLARED.items():
            if key.endswith(suffix):
                assert str(found.value.dimensionality) == dimension, (key, found.value)


# ------------------------------------------------------------------------------ monotonicity


def _results(data: dict[str, Any]) -> dict[str, float]:
    result = estimate(loaded(data))
    keys = ("traffic.peak_qps", "storage.total_footprint", "serving.accelerators", "features.online.lookups_per_second")
    return {key: float(result[key].to_base_units().magnitude) for key in keys if key in result}


def _at_most(before: dict[str, float], after: dict[str, float]) -> None:
    for key, value in before.items():
        assert value <= after[key] * (1 + 1e-9), (key, value, after[key])


@FAST
@given(scenarios(), positive(1, 1000))
def test_more_users_never_mean_fewer_qps_storage_or_accelerators(data, factor):
    before = _results(data)
    users = float(data["traffic"]["daily_active_users"].split()[0])
    data["traffic"]["daily_active_users"] = f"{min(users * factor, 1e29)!r} user"
    _at_most(before, _results(data))


@FAST
@given(scenarios(), positive(1, 100))
def test_a_longer_retention_never_means_less_storage(data, factor):
    before = _results(data)
    for dataset in data["data"]:
        days = float(dataset["retention"].split()[0])
        dataset["retention"] = f"{days * factor!r} day"
    _at_most(before, _results(data))


# ------------------------------------------------------------- what is shown is what is meant

_SCALE = {"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18, "Z": 1e21, "Y": 1e24}
_MONEY_SCALE = {"k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


def reparsed(text: str, per: str | None) -> Any:
    """A displayed value read back through pint: "$41.3 k/month" → 41300 USD, "1.16 k request/s" → 1160 request/s."""
    from estimator.units import parse_quantity
    if per:
        assert text.endswith(f"/{per}"), (text, per)
        text = text[:-len(per) - 1]
    money = text.startswith("$")
    number_and_rest = text.lstrip("$").split(" ", 1) if not money else text[1:].split("/", 1)
    if money:  # "$41.3 k" + "/h/GPU"
        amount, _, scale = number_and_rest[0].partition(" ")
        rest = "USD" + ("/" + number_and_rest[1] if len(number_and_rest) > 1 else "")
        return parse_quantity(f"{amount} {rest}") * _MONEY_SCALE.get(scale, 1.0)
    number, rest = (number_and_rest + [""])[:2]
    factor = 1.0
    head, _, tail = rest.partition(" ")
    if head in _SCALE:  # "1.16 k request/s", or "1.02 k" alone
        factor, rest = _SCALE[head], tail
    return parse_quantity(f"{number} {rest.replace('·', '*')}".strip()) * factor


def _assert_shown_as_meant(result: Any) -> None:
    from estimator.display import show
    for key, found in result.steps.items():
        text = show(found, result)
        value = float(found.value.magnitude)
        if found.value.dimensionless:  # a plain number prints no unit
            assert re.fullmatch(r"-?[\d,.]+( [kMGTPEZY])?( %)?", text), (key, text)
        back = reparsed(text, found.per)
        assert back.dimensionality == found.value.dimensionality, (key, text)
        shown = float(back.to(found.value.units).magnitude)
        assert shown == pytest.approx(value, rel=5e-3, abs=1e-12), (key, text, value)


@FAST
@given(scenarios())
def test_every_displayed_result_reparses_to_its_json_value_within_display_rounding(data):
    _assert_shown_as_meant(estimate(loaded(data)))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_bundled_result_is_shown_as_meant(path):
    from estimator.scenario import load_scenario
    _assert_shown_as_meant(estimate(load_scenario(path)))


@FAST
# Days within a factor of 2 of the calendar's (a convention outside that is refused).
@given(scenarios(), st.sampled_from([1e5, 43200.0, 150000.0]))
def test_changing_the_day_changes_every_per_month_figure_in_proportion(data, day):
    # Traffic as a rate per second and a month of 30 of the scenario's days: only the month moves.
    rate = float(data["traffic"].pop("daily_active_users").split()[0]) * 1e-3
    data["traffic"].pop("requests_per_user_per_day")
    data["traffic"]["requests"] = f"{rate!r} request/s"
    data["conventions"] |= {"day": "86400 s", "month": "30 day"}
    before = estimate(loaded(data))
    data["conventions"]["day"] = f"{day!r} s"
    after = estimate(loaded(data))
    assert after.periods.month.magnitude == pytest.approx(30 * day)
    checked = []
    for key, found in before.steps.items():
        moved = after.steps[key]
        others = {name: q for name, q in found.inputs.items() if name != "seconds_per_month"}
        if found.per != "month" or "seconds_per_month" not in found.inputs or any(
                not np.allclose(q.magnitude, moved.inputs[name].to(q.units).magnitude, rtol=1e-9, atol=0) for name, q in others.items()):
            continue
        checked.append(key)
        assert float(moved.value.to(found.value.units).magnitude) == pytest.approx(
            float(found.value.magnitude) * day / 86400), key
    assert "traffic.requests_per_month" in checked
