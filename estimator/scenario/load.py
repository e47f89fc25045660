"""Reading a scenario: text → YAML with positions → overrides → models → reference checks.

``load_scenario`` reads a file, ``load_scenario_text`` text (an upload); both raise
``ScenarioError`` with one located problem per mistake. ``apply_overrides`` applies ``--set``.
Names that must exist elsewhere (accelerators, models) are checked here, once the whole
file is known, and located in the file like any other problem.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from estimator.errors import Problem, ScenarioError, did_you_mean
from estimator.scenario.llm_config import fill_llm_from_config
from estimator.scenario.models import Scenario
from estimator.scenario.problems import given_kind, origin, problem_of
from estimator.scenario.source import STDIN_NAME, YamlDocument, read_capped, read_yaml

__all__ = ["apply_overrides", "check_as_every_command_does", "load_scenario", "load_scenario_text",
           "reference_problems"]


def load_scenario(path: str | Path, overrides: typing.Sequence[str] = ()) -> Scenario:
    """Read and validate a scenario file. The file is only ever read."""
    text = read_capped(path)  # at most the size cap plus one byte, whatever the file is
    return load_scenario_text(text, "<stdin>" if str(path) == STDIN_NAME else str(path), overrides)


def load_scenario_text(text: str | bytes, file: str, overrides: typing.Sequence[str] = ()) -> Scenario:
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
    _check_accelerators(scenario, document)
    scenario.read_from(document)
    check_as_every_command_does(scenario)
    return scenario


def check_as_every_command_does(scenario: Scenario) -> None:
    """Refuse here what a command would refuse later, so ``validate`` agrees with every command.

    The derived expressions (names, parse, dimension, finiteness) are checked by evaluating the
    point estimate; the ids in ``components:`` by building the architecture into a Sketch (the
    diagram's own code, without networkx or Graphviz). Both raise a located ``ScenarioError``.

    The one import upward from the scenario layer, made when a file is loaded rather than at
    import: the estimate and the architecture both import this package.
    """
    from diagrams_lib.architecture import Sketch, populate
    from estimator.estimate import estimate, remember_checked

    result = estimate(scenario)
    populate(Sketch(), scenario, result)
    remember_checked(scenario, result)  # the command's own estimate of this object is then free


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
        for p in reference_problems(scenario, known)
    ]
    if problems:
        raise ScenarioError(problems)


def reference_problems(scenario: Any, accelerators: dict[str, Any]) -> list[dict[str, Any]]:
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
    if scenario.llm is not None:
        m = scenario.llm
        offered = accelerators[m.accelerator].peak if m.accelerator in accelerators else {}
        device(("llm",), m.accelerator, m.compute_precision(offered) if offered else None)
        if problems and problems[-1]["path"] == ("llm", "precision"):  # name the field that chose it
            problems[-1]["path"] = ("llm", "compute" if m.compute is not None else "dtype")
    return problems
