"""Reading a scenario: text → YAML with positions → overrides → models → reference checks.

``load_scenario`` reads a file, ``load_scenario_text`` text (an upload); both raise
``ScenarioError`` with one located problem per mistake. ``apply_overrides`` applies ``--set``.
Names that must exist elsewhere (accelerators, models) are checked here, once the whole
file is known, and located in the file like any other problem.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from estimator.errors import Problem, ScenarioError, did_you_mean
from estimator.scenario.limits import MAX_ESTIMATED, WHY, estimated_lists, weight
from estimator.scenario.llm_config import fill_llm_from_config
from estimator.scenario.catalog import Catalog, layered
from estimator.scenario.models import Scenario
from estimator.scenario.problems import given_kind, origin, problem_of
from estimator.scenario.source import STDIN_NAME, YamlDocument, read_capped, read_yaml

__all__ = ["apply_overrides", "load_price_book", "load_price_book_text", "load_scenario", "load_scenario_text",
           "price_problems", "price_references", "reference_problems"]


def load_scenario(path: str | Path, overrides: typing.Sequence[str] = (), book: Catalog | None = None) -> Scenario:
    """Read and validate a scenario file. The file is only ever read.

    ``book`` is a user's price book (``load_price_book``): its entries replace the bundled ones,
    and the scenario's own ``catalog:`` entries replace both.
    """
    return load_scenario_text(_read(path), "<stdin>" if str(path) == STDIN_NAME else str(path), overrides, book)


def _read(path: str | Path) -> bytes:
    """At most the size cap plus one byte, whatever the file is (a device, a pipe, 6 GB)."""
    return read_capped(path)


def load_price_book(path: str | Path) -> Catalog:
    """Read a price book: a file shaped like a scenario's ``catalog:`` section.

    Problems are located in the book (file, line, field), as a scenario's are.
    """
    return load_price_book_text(_read(path), str(path))


def load_price_book_text(text: str | bytes, file: str) -> Catalog:
    """Validate price book text (a file's content or an upload); ``file`` names it in messages."""
    document = read_yaml(text, file)
    if not isinstance(document.data, dict):
        given = "an empty file" if document.data is None else given_kind(document.data)
        raise ScenarioError([document.problem((), "not a price book", given=given,
                                              expected="a mapping with accelerators: and/or prices:")])
    try:
        return Catalog.model_validate(document.data)
    except ValidationError as error:
        raise ScenarioError([problem_of(document, item, root=Catalog) for item in error.errors()]) from None


def load_scenario_text(text: str | bytes, file: str, overrides: typing.Sequence[str] = (),
                       book: Catalog | None = None) -> Scenario:
    """Validate scenario text (a file's content or an upload); ``file`` names it in messages."""
    document = read_yaml(text, file)
    if not isinstance(document.data, dict):
        given = "an empty file" if document.data is None else given_kind(document.data)
        raise ScenarioError([document.problem((), "not a scenario", given=given,
                                              expected="a mapping with at least name and traffic")])
    data = fill_llm_from_config(apply_overrides(document.data, overrides, file), document, text)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError([problem_of(origin(document, tuple(item["loc"]), overrides), item)
                             for item in error.errors()]) from None
    if book is not None:
        scenario = scenario.model_copy(update={"catalog": layered(book, scenario.catalog)})
    _check_estimated_entries(scenario, document)
    _check_accelerators(scenario, document)
    scenario.read_from(document)
    return scenario


def apply_overrides(data: dict[str, Any], overrides: typing.Sequence[str], file: str) -> dict[str, Any]:
    """Apply ``--set path=value`` overrides to a copy of the data (values parsed as YAML scalars).

    >>> apply_overrides({"traffic": {"a": 1}}, ["traffic.a=2 s"], "f")
    {'traffic': {'a': '2 s'}}
    >>> apply_overrides({"traffic": {}}, ["conventions.peak_factor=3"], "f")
    {'traffic': {}, 'conventions': {'peak_factor': 3}}
    """
    import copy

    data = copy.deepcopy(data)
    for override in overrides:
        path_text, sep, value_text = override.partition("=")
        if not sep or not path_text.strip():
            raise ScenarioError([Problem("--set", None, None, override, "not PATH=VALUE",
                                         expected="e.g. 'traffic.daily_active_users=600 million user'")])
        parts: list[str | int] = [int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", path_text.strip()) if p]
        target: Any = data
        for part in parts[:-1]:
            if isinstance(target, dict) and isinstance(part, str) and part not in target:
                # A section the file leaves to its defaults (conventions, say): create it, and
                # let validation name a misspelt one with its did-you-mean.
                target[part] = {}
            try:
                target = target[part]
            except (KeyError, IndexError, TypeError):
                raise ScenarioError([Problem("--set", None, None, path_text, "no such path in " + file)]) from None
        try:  # read like a scenario file, with its bounds (depth, size, digits, aliases)
            value = read_yaml(value_text, "--set").data
        except ScenarioError:
            value = value_text
        try:
            target[parts[-1]] = value
        except (IndexError, TypeError):
            raise ScenarioError([Problem("--set", None, None, path_text, "no such path in " + file)]) from None
    return data


def _check_estimated_entries(scenario: Scenario, document: YamlDocument) -> None:
    """Refuse a file whose lists of entries together exceed ``limits.MAX_ESTIMATED``, at its longest list."""
    lists = estimated_lists(scenario)
    total = sum(length * weight(path) for path, length in lists)
    if total <= MAX_ESTIMATED:
        return
    longest = max(lists, key=lambda item: item[1] * weight(item[0]))[0]

    def named(path: tuple[str | int, ...], length: int) -> str:
        counting = f" counting {weight(path)} each" if weight(path) != 1 else ""
        return f"{length:,} in {'.'.join(str(part) for part in path)}{counting}"

    shown = ", ".join(named(path, length) for path, length in lists[:5])
    more = f" and {len(lists) - 5:,} more {'list' if len(lists) == 6 else 'lists'}" if len(lists) > 5 else ""
    raise ScenarioError([document.problem(longest, "too many entries in all", given=f"{total:,} ({shown}{more})",
                                          expected=f"at most {MAX_ESTIMATED:,} together, in every list the "
                                                   f"estimate works through ({WHY})")])


def _check_accelerators(scenario: Scenario, document: YamlDocument) -> None:
    known = scenario.accelerators()
    problems = [
        document.problem(("models", index, "accelerator"), "unknown accelerator", given=repr(model.accelerator),
                         expected="a key of the catalog: " + ", ".join(sorted(known)),
                         hint=did_you_mean(model.accelerator, known))
        for index, model in enumerate(scenario.models) if model.accelerator not in known
    ]
    problems += [
        document.problem(("models", index, "precision"), "precision not offered by the accelerator",
                         given=repr(model.precision), expected="one of: " + ", ".join(known[model.accelerator].peak))
        for index, model in enumerate(scenario.models)
        if model.accelerator in known and model.precision not in known[model.accelerator].peak
    ]
    problems += [
        document.problem(p["path"], p["what"], given=p["given"], expected=p["expected"],
                         hint=did_you_mean(p["given"].strip("'"), p["choices"]) if "choices" in p else None)
        for p in reference_problems(scenario, known) + price_problems(scenario)
    ]
    if problems:
        raise ScenarioError(problems)


def reference_problems(scenario: Any, accelerators: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Names in these sections that must exist elsewhere: (path, what, given, expected)."""
    problems: list[dict[str, Any]] = []
    known = ", ".join(sorted(accelerators))

    def device(path: tuple, name: str | None, precision: str | None) -> None:
        if name is None:
            return
        if name not in accelerators:
            problems.append(dict(path=path + ("accelerator",), what="unknown accelerator", given=repr(name),
                                 expected="a key of the catalog: " + known, choices=list(accelerators)))
        elif precision is not None and precision not in accelerators[name].peak:
            problems.append(dict(path=path + ("precision",), what="precision not offered by the accelerator",
                                 given=repr(precision), expected="one of: " + ", ".join(accelerators[name].peak)))

    if scenario.serving is not None:
        models = [m.name for m in scenario.models]
        for index, stage in enumerate(scenario.serving.stages):
            path = ("serving", "stages", index)
            if stage.model is not None and stage.model not in models:
                problems.append(dict(path=path + ("model",), what="unknown model", given=repr(stage.model),
                                     expected="the name of one of models: " + (", ".join(models) or "(none given)"),
                                     choices=models))
            device(path, stage.accelerator, stage.precision)
    if scenario.training is not None:
        device(("training",), scenario.training.accelerator, scenario.training.precision)
    for index, job in enumerate(scenario.trainings):
        device(("trainings", index), job.accelerator, job.precision)
    if scenario.llm is not None:
        m = scenario.llm
        offered = accelerators[m.accelerator].peak if m.accelerator in accelerators else {}
        device(("llm",), m.accelerator, m.compute_precision(offered) if offered else None)
        if problems and problems[-1]["path"] == ("llm", "precision"):  # name the field that chose it
            problems[-1]["path"] = ("llm", "compute" if m.compute is not None else "dtype")
    return problems


def price_references(scenario: Scenario) -> list[tuple[tuple[str | int, ...], str, str]]:
    """Every unit price the scenario uses: (path of the field naming it, group, key).

    One list for both the reference check (``price_problems``) and the report of prices used.
    """
    used: list[tuple[tuple[str | int, ...], str, str]] = [(("traffic", "egress_tier"), "network",
                                                           scenario.traffic.egress_tier)]
    used += [(("data", index, "tier"), "storage", dataset.tier) for index, dataset in enumerate(scenario.data)]
    if scenario.features.online is not None:
        used.append((("features", "online", "tier"), "storage", scenario.features.online.tier))
    if scenario.features.offline is not None:
        used.append((("features", "offline", "tier"), "storage", scenario.features.offline.tier))
    labelling = scenario.labelling
    if labelling is not None and (labelling.items_per_day is not None or labelling.sampled_fraction is not None):
        used.append((("labelling", "price"), "labelling", labelling.price))
    return used


def price_problems(scenario: Scenario) -> list[dict[str, Any]]:
    """A price named by the scenario that no catalog layer holds."""
    prices = scenario.prices()
    return [dict(path=path, what=f"unknown {group} price", given=repr(key),
                 expected=f"a key of the catalog's {group} prices: " + ", ".join(sorted(prices.get(group, {}))),
                 choices=list(prices.get(group, {})))
            for path, group, key in price_references(scenario) if key not in prices.get(group, {})]
