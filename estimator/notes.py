"""Study notes: a Markdown write-up of a scenario that follows the 7-step framework.

The steps are those of Xu & Aminian's *Machine Learning System Design Interview*:
requirements → ML framing → data → model → evaluation → serving → monitoring. Each step
shows what the scenario says (its framing) and the estimate results that belong to it, in
the tables of ``estimator.report`` (value and working); the diagram sits under serving.
Results that belong to no step are listed at the end, so nothing estimated is left out.
"""

from __future__ import annotations

import fnmatch

from estimator.estimate import Estimate
from estimator.report import conventions_text, results_table
from estimator.report import markdown_text as _text
from estimator.scenario import Scenario
from estimator.trace import Step

# Step title -> key patterns of the results shown under it (first step that matches wins).
FRAMEWORK_STEPS: dict[str, tuple[str, ...]] = {
    "1. Clarify requirements": ("traffic.*",),
    "2. Frame as an ML task": ("imbalance.*",),
    "3. Data preparation": ("storage.*", "features.*", "embeddings.*"),
    "4. Model development": ("models.*", "training.*"),
    "5. Evaluation": ("experiment.*", "evaluation.*"),
    "6. Deployment and serving": ("serving.*", "index.*", "llm.*", "availability.*", "cost.*"),
    "7. Monitoring": ("monitoring.*",),
}


def step_of(key: str) -> str | None:
    """The framework step a result belongs to, or None.

    >>> step_of("features.online.size"), step_of("derived.x")
    ('3. Data preparation', None)
    """
    for title, patterns in FRAMEWORK_STEPS.items():
        if any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns):
            return title
    return None


def to_notes(scenario: Scenario, estimate: Estimate, diagram: str | None = None) -> str:
    """The whole write-up; ``diagram`` is the relative path of the diagram image to embed."""
    framing = scenario.framing
    prose = {
        "1. Clarify requirements": [_line("Goal", framing.goal)],
        "2. Frame as an ML task": [_line("Task", framing.task), _line("Objective", framing.objective),
                                   _line("Labels", framing.labels)],
        "5. Evaluation": [_line("Offline metrics", ", ".join(framing.offline_metrics))],
        "6. Deployment and serving": [f"![Architecture of {_text(scenario.name)}]({diagram})"] if diagram else [],
        "7. Monitoring": [_line("Online metrics", ", ".join(framing.online_metrics))],
    }
    from estimator.practice.questions import framework  # the interviewer's questions per step, as data

    for step in framework(scenario.archetype):
        if step.questions:
            prose.setdefault(step.title, []).append(
                "**The interviewer asks:**\n\n" + "\n".join(f"- {_text(q)}" for q in step.questions))
    lines = [f"# {_text(scenario.name)}", ""]
    if scenario.summary:
        lines += [_text(scenario.summary), ""]
    lines += [f"Conventions: {conventions_text(estimate)}", ""]
    grouped: dict[str | None, list[Step]] = {}
    for result in estimate:
        grouped.setdefault(step_of(result.key), []).append(result)
    for title in FRAMEWORK_STEPS:
        lines += _section(title, [p for p in prose.get(title, []) if p], grouped.get(title, []), estimate)
    if grouped.get(None):
        lines += _section("Other results", [], grouped[None], estimate)
    return "\n".join(lines)


def _section(title: str, paragraphs: list[str], results: list[Step], estimate: Estimate) -> list[str]:
    lines = [f"## {title}", ""]
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    if results:
        lines += [*results_table(results, estimate), ""]
    if not paragraphs and not results:
        lines += ["Nothing estimated for this step in this scenario.", ""]
    return lines


def _line(name: str, text: str) -> str:
    return f"**{name}:** {_text(text)}" if text else ""
