"""No silent wrong numbers: each kind of input that pint would read one way and a person another.

Each test is named after the kind of fault; the scenarios are the shared cases written again here,
with the values their headers give.
"""

from __future__ import annotations

import re

import pytest

from conftest import SCENARIOS

from estimator.errors import ScenarioError
from estimator.compose import estimate
from estimator.scenario import load_scenario_text

PHOTOS = """
name: Photo upload sizes
traffic:
  daily_active_users: 10 million user
  requests_per_user_per_day: 2 request/user/day
  request_size: {size}
data:
  - name: photos
    records_per_request: 1 record/request
    record_size: {size}
    retention: 1 year
"""

CONVENTIONS = """
name: Conventions everywhere
conventions:
  day: 1e5 s
  month: 30 day
  year: 365 day
  peak_factor: 1
traffic:
  requests: 2 million request/day
  request_size: 1 KB
data:
  - name: events
    records_per_request: 1 event/request
    record_size: 1 KB
    retention: 1 year
derived:
  - name: events_per_month
    expr: storage.events.records_per_second * 1 month
  - name: rate_check
    expr: 100000 request / day
    unit: request/s
  - name: month_in_seconds
    expr: seconds_per_month
"""


def _refusal(text: str, overrides: tuple[str, ...] = ()) -> str:
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text, "case.yaml", list(overrides))
    return str(raised.value.problems[0])


# ------------------------------------------------------------ 1. spellings pint reads as absurd units

def test_absurd_unit_spelling_lowercase_mb_is_refused_with_the_meant_units():
    message = _refusal(PHOTOS.format(size="2 mb"))
    assert "traffic.request_size" in message
    assert "'mb' reads as millibit; write 'MB' for megabytes or 'Mbit' for megabits" in message


def test_absurd_unit_spelling_written_as_meant_gives_the_published_values():
    result = estimate(load_scenario_text(PHOTOS.format(size="2 MB"), "case.yaml"))
    # 20 M requests/day × 2 MB = 40 TB/day, a year (twelve calendar months, 365.2425 days) of it ≈ 14.6 PB; peak ingress ≈ 926 MB/s
    assert result["storage.photos.stored_per_day"].to("B").magnitude == pytest.approx(40e12)
    assert result["storage.photos.footprint"].to("B").magnitude == pytest.approx(40e12 * 365.2425)
    assert result["traffic.ingress_bandwidth"].to("MB/s").magnitude == pytest.approx(925.926, rel=1e-5)


@pytest.mark.parametrize(("text", "read_as"), [
    ("20 Gb", "gilbert"), ("2 pb", "picobit"), ("3 cB", "centibyte"), ("1 dB", "decibel"),
])
def test_absurd_unit_spelling_of_information_is_refused(text, read_as):
    assert f"reads as {read_as}" in _refusal(PHOTOS.format(size=text))


@pytest.mark.parametrize(("field", "text", "read_as"), [
    ("daily_active_users", "10 muser", "milliuser"),
    ("requests_per_user_per_day", "2 mrequest/user/day", "millirequest"),
])
def test_absurd_unit_spelling_of_counted_things_is_refused(field, text, read_as):
    case = PHOTOS.format(size="2 MB").replace(
        {"daily_active_users": "10 million user", "requests_per_user_per_day": "2 request/user/day"}[field], text)
    message = _refusal(case)
    assert f"traffic.{field}" in message and f"reads as {read_as} (a fraction of one" in message


@pytest.mark.parametrize(("text", "bytes_"), [("2 Mb", 250_000), ("2 Mbit", 250_000), ("2 MB", 2e6),
                                              ("2 MiB", 2 * 2**20), ("2 KB", 2000), ("2 kB", 2000)])
def test_absurd_unit_spelling_keeps_the_spellings_people_use(text, bytes_):
    scenario = load_scenario_text(PHOTOS.format(size=text), "case.yaml")
    assert scenario.traffic.request_size.to("B").magnitude == pytest.approx(bytes_)


def test_absurd_unit_spelling_in_a_derived_expression_is_refused():
    case = CONVENTIONS + "  - name: bad\n    expr: traffic.request_size / 1 mb\n"
    with pytest.raises(ScenarioError) as raised:
        estimate(load_scenario_text(case, "case.yaml"))
    assert "'mb' reads as millibit" in str(raised.value.problems[0])
    assert "derived[3].expr" in str(raised.value.problems[0])


# ------------------------------------------------- 2. numbers a person and the parser read apart

@pytest.mark.parametrize(("text", "words"), [
    ("2 500 000 user", "numbers side by side in '2 500 000 user' (pint would read 0 user)"),
    ("010 million user", "a leading zero in '010 million user'"),
    ("1.000.000 user", "a second decimal point in '1.000.000 user' (pint would read 0 user)"),
    ("5 < 3 user", "'<' in '5 < 3 user' is not part of a quantity (pint would read 15 user)"),
])
def test_ambiguous_number_in_a_quantity_is_refused_with_what_was_read(text, words):
    case = PHOTOS.format(size="2 MB").replace("10 million user", text)
    message = _refusal(case)
    assert "traffic.daily_active_users" in message and words in message


@pytest.mark.parametrize("text", ["2,500,000 user", "2_500_000 user", "2.5e6 user", "2.5 million user"])
def test_ambiguous_number_digit_groups_follow_the_stated_rule(text):
    case = PHOTOS.format(size="2 MB").replace("10 million user", text)
    assert load_scenario_text(case, "case.yaml").traffic.daily_active_users.magnitude == 2.5e6


@pytest.mark.parametrize("expr", ["traffic.peak_qps[2]", "traffic.peak_qps 2", "2 500 request/s"])
def test_ambiguous_number_in_a_derived_expression_is_refused(expr):
    case = CONVENTIONS + f"  - name: bad\n    expr: {expr}\n"
    with pytest.raises(ScenarioError) as raised:
        estimate(load_scenario_text(case, "case.yaml"))
    assert "derived[3].expr" in str(raised.value.problems[0])


@pytest.mark.parametrize(("value", "words"), [
    ("010", "read differently (octal, binary or base 60)"), ("1:30", "read differently"),
    ("0b11", "read differently"), ("no", "a yes/no word"), ("yes", "a yes/no word"),
])
def test_ambiguous_yaml_number_is_refused_where_it_is(value, words):
    case = CONVENTIONS.replace("peak_factor: 1", f"peak_factor: {value}")
    message = _refusal(case)
    assert message.startswith("case.yaml:7:16: conventions.peak_factor: ") and words in message


# ------------------------------------------------------------- 3. a calendar word means one thing

def test_calendar_word_means_the_scenarios_period_everywhere():
    result = estimate(load_scenario_text(CONVENTIONS, "case.yaml"))
    assert result.periods.month.to("s").magnitude == pytest.approx(3.0e6)
    assert result.periods.year.to("s").magnitude == pytest.approx(3.65e7)
    assert result["traffic.requests_per_month"].to("request").magnitude == pytest.approx(6.0e7)
    assert result["storage.events.footprint"].to("B").magnitude == pytest.approx(7.3e11)
    assert result["derived.events_per_month"].to("event").magnitude == pytest.approx(6.0e7)
    assert result["derived.rate_check"].to("request/s").magnitude == pytest.approx(1.0)
    assert result["derived.month_in_seconds"].to("s").magnitude == pytest.approx(3.0e6)


def test_calendar_word_cannot_define_itself():
    message = _refusal(CONVENTIONS.replace("month: 30 day", "month: 1 month"))
    assert "conventions.month is written in months" in message


# ------------------------------------------------------- 4. and 5. what a report shows is what it means

def _markdown_reports() -> dict[str, str]:
    from estimator.report import to_markdown
    from estimator.scenario import load_scenario
    return {path.stem: to_markdown(estimate(load_scenario(path))) for path in SCENARIOS}


# A ratio of two units of one dimension ("TB/MB", "GFLOP/TFLOP", "month/s"): the value was never reduced.
_SAME_DIMENSION = re.compile(r"\b[kMGTPE]?i?(B|bit)/[kMGTPE]?i?(B|bit)\b|[kMGTPEZ]?FLOP/[kMGTPEZ]?FLOP\b"
                             r"|(day|week|month|year)(·\w+)*/s\b")  # "record·month/s"; "h/day" is per day


def test_unreduced_units_and_rounded_fractions_never_reach_a_bundled_report():
    assert all(_SAME_DIMENSION.search(text) for text in ("675 TB/MB", "457 GFLOP/TFLOP", "144 record·month/s"))
    for name, report in _markdown_reports().items():
        assert not _SAME_DIMENSION.search(report), (name, _SAME_DIMENSION.search(report).group())
        # A plain number below 1 never shows as 1.000 (or 1.00); "1.00 kB" is a rounded amount with its unit.
        assert not re.search(r"(?<![\d.,])1\.0+(?!\d)(?!\s*[A-Za-zµ$%])", report), name


@pytest.mark.parametrize(("unit", "shown"), [("TB/MB", "675 M"), ("GFLOP/TFLOP", "0.457"),
                                             ("record*month/s", "355 M record")])
def test_unreduced_units_cancel_in_every_result(unit, shown):
    from estimator.trace import step
    from estimator.units import Q_, format_quantity
    assert format_quantity(step("derived.x", "x", "x", Q_(675 if unit == "TB/MB" else 457 if "FLOP" in unit else 135,
                                                          unit)).value) == shown


@pytest.mark.parametrize(("target", "shown"), [(0.9999, "99.99 %"), (0.999999, "99.9999 %"), (0.9995, "99.95 %")])
def test_rounded_fraction_shows_the_nines_it_needs_in_value_and_working(target, shown):
    case = PHOTOS.format(size="2 MB") + f"availability:\n  target: {target}\n"
    result = estimate(load_scenario_text(case, "case.yaml"))
    from estimator.display import show
    downtime = result.steps["availability.downtime_per_day"]
    assert show(result.steps["availability.system"], result) == shown
    assert f"(1 − {shown}) × 86,400 s" in downtime.substituted()


def test_absurd_unit_spelling_report_shows_each_input_as_read_in_words():
    from estimator.report import to_markdown
    report = to_markdown(estimate(load_scenario_text(PHOTOS.format(size="2 Mb"), "case.yaml")))
    assert "| `traffic.request_size` | 2 megabits |" in report
    assert "| `traffic.daily_active_users` | 10,000,000 users |" in report
    assert "| `traffic.requests_per_user_per_day` | 2 requests per user per day |" in report


# ------------------------------------------------------------ 6. costs mean what their label says

def _bundled(name: str):
    from conftest import ROOT
    from estimator.scenario import load_scenario
    return estimate(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))


@pytest.mark.parametrize("name", ["llm_chat_assistant", "rag_question_answering"])
def test_mislabelled_cost_per_token_divides_by_tokens_served_on_average(name):
    result = _bundled(name)
    per_million = result.steps["llm.cost_per_million_tokens"]
    sized_for = result.steps["llm.replicas"].inputs["target_requests"]
    served = sized_for * (result["traffic.average_qps"] / result["traffic.peak_qps"]).to("")
    assert per_million.inputs["served_requests"].to("request/s").magnitude == pytest.approx(
        served.to("request/s").magnitude)
    assert served.to("request/s").magnitude < sized_for.to("request/s").magnitude
    tokens = (served * per_million.inputs["output_tokens"] * result.periods.month).to("request*token").magnitude
    assert per_million.value.to("USD").magnitude == pytest.approx(
        result["llm.monthly_cost"].to("USD").magnitude / tokens * 1e6)


def test_mislabelled_cost_per_token_llm_chat_is_twice_the_peak_rate_figure():
    # The shared case: $2.48 was the monthly cost over peak-rate tokens for a whole month; with the
    # chat assistant's 2× peak the tokens actually served cost twice that ($4.96 then).
    result = _bundled("llm_chat_assistant")
    step_ = result.steps["llm.cost_per_million_tokens"]
    peak_rate_tokens = (result.steps["llm.replicas"].inputs["target_requests"] * step_.inputs["output_tokens"]
                        * result.periods.month).to("request*token").magnitude
    at_peak_rate = result["llm.monthly_cost"].to("USD").magnitude / peak_rate_tokens * 1e6
    assert result.conventions.peak_factor == 2
    assert step_.value.to("USD").magnitude == pytest.approx(2 * at_peak_rate)


def test_mislabelled_cost_per_1000_requests_gives_all_in_and_serving_only():
    result = _bundled("ad_click_prediction")
    assert result["serving.cost_per_1000_requests"].to("USD").magnitude == pytest.approx(0.0000988, rel=1e-3)
    assert result["cost.per_1000_requests"].to("USD").magnitude == pytest.approx(0.00134, rel=1e-2)
    assert "model accelerators only" in result.steps["serving.cost_per_1000_requests"].label
    assert "all in" in result.steps["cost.per_1000_requests"].label


def test_mislabelled_storage_cost_says_full_retention_with_first_month_and_year():
    result = _bundled("street_view_blurring")
    blurred = "storage.blurred_images"
    assert result.steps[f"{blurred}.monthly_cost"].label == "Monthly storage cost at full retention"
    assert result[f"{blurred}.monthly_cost"].to("USD").magnitude == pytest.approx(4.2e6, rel=1e-2)
    # Filling at a steady rate: the first month holds half a month of data on average.
    per_month = result[f"{blurred}.stored_per_month"] * result.steps[f"{blurred}.monthly_cost"].inputs["price"] \
        * result.periods.month
    assert result[f"{blurred}.first_month_cost"].to("USD").magnitude == pytest.approx(
        per_month.to("USD").magnitude / 2)
    year = result.periods.year / result.periods.month  # months in a year; retention (5 years) is longer
    assert result[f"{blurred}.first_year_cost"].to("USD").magnitude == pytest.approx(
        per_month.to("USD").magnitude * year.to("").magnitude ** 2 / 2)
    assert result["storage.first_year_cost"].to("USD").magnitude == pytest.approx(sum(
        result[f"storage.{name}.first_year_cost"].to("USD").magnitude
        for name in ("raw_images", "blurred_images", "detections")))


# -------------------------------------------------------- 7. option problems point at the option

def test_misplaced_blame_set_unknown_key_names_the_option_with_did_you_mean():
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(PHOTOS.format(size="2 MB"), "case.yaml", ["traffic.dau=5"])
    assert str(raised.value) == "--set 'traffic.dau=5': traffic.dau: unknown key; did you mean 'daily_active_users'?"


def test_misplaced_blame_set_bad_value_names_the_option_not_the_file_line():
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(PHOTOS.format(size="2 MB"), "case.yaml", ["traffic.request_size=5 km"])
    problem = raised.value.problems[0]
    assert (problem.file, problem.line, problem.path) == ("--set 'traffic.request_size=5 km'", None,
                                                          "traffic.request_size")
    assert "'km' reads as kilometer" in problem.what


def test_misplaced_blame_param_names_the_option():
    from conftest import run_cli
    result = run_cli("sweep", "scenarios/ad_click_prediction.yaml", "--param", "traffic.request_size=1 km..5 KB",
                     "--target", "traffic.peak_qps")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("--param: 'traffic.request_size=1 km..5 KB': traffic.request_size: 'km' reads as")
    result = run_cli("sweep", "scenarios/ad_click_prediction.yaml", "--param", "traffic.dau=1..5",
                     "--target", "traffic.peak_qps")
    assert result.returncode == 2
    assert "did you mean 'traffic.daily_active_users'?" in result.stderr


def test_mislabelled_cost_every_unit_price_is_named_with_its_source():
    from estimator.scenario.catalog import bundled_prices
    from estimator.report import to_markdown
    result = _bundled("street_view_blurring")
    used = {price.item: price for price in result.unit_prices}
    egress = bundled_prices()["network"]["egress"]
    assert used["network.egress"].source == egress.source and used["network.egress"].as_of == egress.as_of.isoformat()
    assert set(used) == {"accelerator.A100-80GB", "accelerator.T4", "labelling.human_label_hour", "network.egress",
                         "storage.object_store"}
    report = to_markdown(result)
    assert f"| egress (`network.egress`) | $0.0900/GB | {egress.source} | {egress.as_of} |" in report
    # The unit price in a cost's working is the one listed with its source.
    assert "× $0.0230/GB/month ×" in report and "(`storage.object_store`) | $0.0230/GB/month |" in report


def test_absurd_unit_spelling_every_short_information_symbol_is_information_or_refused():
    # The class, not the one input: every prefix letter (either case) on b, B or bit that pint
    # accepts is read as information of at least one bit, or refused with what pint read.
    from estimator.units import UnitSpelling, check_unit_names, ureg
    bit = ureg.get_dimensionality("bit")
    accepted, refused = [], []
    for letter in "kKmMgGtTpPeEzZyYuµnfdchaA":
        for tail in ("b", "B", "bit", "byte", "ib", "iB"):
            name = letter + tail
            try:
                ureg.get_name(name)
            except Exception:
                continue  # pint refuses it itself
            try:
                check_unit_names([name])
            except UnitSpelling as error:
                refused.append(name)
                assert str(error).startswith(f"'{name}' reads as "), error
                continue
            accepted.append(name)
            assert ureg.get_dimensionality(name) == bit, name
            assert ureg.Quantity(1, name).to("bit").magnitude >= 1, name
    assert {"kb", "kB", "KB", "Mb", "MB", "MiB", "Gbit", "GB", "GiB", "TB", "Pb"} <= set(accepted)
    assert {"mb", "mB", "Gb", "pb", "cB", "dB", "nb", "ub"} <= set(refused)
