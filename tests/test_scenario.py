"""Loading scenarios: bundled files validate, values are checked quantities, models are frozen."""

from __future__ import annotations

import pydantic
import pytest

from conftest import SCENARIOS
from estimator.errors import ScenarioError
from estimator.scenario import load_scenario, load_scenario_text
from estimator.units import ureg

MINIMAL = """
name: Minimal
traffic:
  daily_active_users: 100 million user
  requests_per_user_per_day: 10 request/user/day
"""


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_bundled_scenarios_validate(path):
    scenario = load_scenario(path)
    assert scenario.name and scenario.summary


def test_quantities_carry_their_dimension():
    scenario = load_scenario_text(MINIMAL, "m.yaml")
    assert scenario.traffic.daily_active_users.dimensionality == ureg("user").dimensionality
    assert scenario.traffic.daily_active_users.magnitude == 1e8


def test_scenario_is_frozen():
    scenario = load_scenario_text(MINIMAL, "m.yaml")
    with pytest.raises(pydantic.ValidationError):
        scenario.name = "changed"  # type: ignore[misc]


def test_overrides_apply_before_validation():
    scenario = load_scenario_text(MINIMAL, "m.yaml", ["traffic.daily_active_users=600 million user"])
    assert scenario.traffic.daily_active_users.magnitude == 6e8


def test_override_of_unknown_path_is_a_clear_error():
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(MINIMAL, "m.yaml", ["traffik.users=3"])
    assert str(error.value) == "--set 'traffik.users=3': traffik: unknown key; did you mean 'traffic'?"
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(MINIMAL, "m.yaml", ["data.3.record_size=3 B"])
    assert str(error.value) == "--set: data.3.record_size: no such path in m.yaml"


def test_a_conflict_an_override_creates_is_blamed_on_the_override_not_the_file():
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(MINIMAL, "m.yaml", ["traffic.monthly_active_users=300 million user"])
    assert str(error.value) == ("--set 'traffic.monthly_active_users=300 million user': traffic: give "
                                "daily_active_users or monthly_active_users, not both")


def test_override_can_set_a_section_the_file_leaves_to_defaults():
    scenario = load_scenario_text(MINIMAL, "m.yaml", ["conventions.peak_factor=3"])
    assert scenario.conventions.peak_factor == 3


def test_several_problems_are_reported_one_per_line():
    text = MINIMAL + "  request_size: 2 request\n  response_size: -3 KB\n"
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(text, "m.yaml")
    assert str(error.value).splitlines() == [
        "m.yaml:6:17: traffic.request_size: wrong dimension: given '2 request', expected an amount of information, "
        "e.g. '2 KB'",
        "m.yaml:7:18: traffic.response_size: negative: given '-3 KB', expected 0 or more, e.g. '20 KB'",
    ]


def test_alias_bomb_is_refused_before_it_is_built():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(bomb, "bomb.yaml")
    assert "too many values" in str(error.value)


def test_input_file_is_only_read(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL)
    before = path.stat().st_mtime_ns, path.read_bytes()
    load_scenario(path, ["traffic.daily_active_users=5 user"])
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
