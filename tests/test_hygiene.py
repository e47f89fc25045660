"""Code hygiene, checked like behaviour: no code execution or unsafe loading on user data,
ruff, mypy (on every package) and mypy --strict (on a documented subset, see pyproject.toml) pass."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT

SOURCES = [p for folder in ("estimator", "diagrams_lib", "ui", "fuzz", "benchmarks", "scripts")
           for p in sorted((ROOT / folder).rglob("*.py"))] + [ROOT / "app.py"]
# Fully typed modules every input passes through (why this subset: pyproject.toml, [tool.mypy]).
# Everything mypy checks with the project's configuration (pyproject.toml, [tool.mypy]).
TYPED_PATHS = ["estimator", "diagrams_lib", "ui", "app.py"]
STRICT_MODULES = ["estimator/errors.py", "estimator/scenario/source.py", "estimator/expressions.py", "estimator/output.py"]
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "cloudpickle"}
SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "FAST_LOADER"}
ALLOW = "hygiene: allowed"  # a line comment that lets one reviewed use through, with its reason


def offences(path: Path, root: Path = ROOT) -> list[str]:
    """Calls and imports that could run or unpickle user data, as ``file:line: what``."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        what = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            what = f"{node.func.id}()"
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            what = next((f"import {n}" for n in names if n.split(".")[0] in FORBIDDEN_MODULES), None)
        elif isinstance(node, ast.Attribute) and node.attr in ("unsafe_load", "unsafe_load_all", "full_load",
                                                                "full_load_all", "FullLoader", "UnsafeLoader"):
            what = f".{node.attr}"
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("load", "load_all") and isinstance(node.func.value, ast.Name)
              and node.func.value.id == "yaml"):
            loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
            name = getattr(loader, "id", None) or getattr(loader, "attr", None)
            what = None if name in SAFE_LOADERS else f"yaml.{node.func.attr} without a safe Loader"
        if what and ALLOW not in lines[node.lineno - 1]:
            found.append(f"{path.relative_to(root)}:{node.lineno}: {what}")
    return found


def test_no_eval_exec_pickle_or_unsafe_yaml_anywhere():
    assert len(SOURCES) > 20
    assert [o for path in SOURCES for o in offences(path)] == []


def test_the_checker_catches_what_it_looks_for(tmp_path):
    bad = tmp_path / "_hygiene_probe.py"
    bad.write_text("import pickle\nimport yaml\neval('1')\nyaml.load('a', Loader=yaml.Loader)\n"
                   "yaml.unsafe_load('a')\nexec('x')  # hygiene: allowed - a probe\n", encoding="utf-8")
    assert offences(bad, tmp_path) == ["_hygiene_probe.py:1: import pickle", "_hygiene_probe.py:3: eval()",
                                       "_hygiene_probe.py:4: yaml.load without a safe Loader",
                                       "_hygiene_probe.py:5: .unsafe_load"]


def test_the_fast_loader_is_a_safe_one():
    from estimator.scenario.source import FAST_LOADER

    assert FAST_LOADER in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def test_ruff_passes():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes_on_the_strict_modules():
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *STRICT_MODULES],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_on_the_packages_and_the_app():
    result = subprocess.run([sys.executable, "-m", "mypy", *TYPED_PATHS], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


# --- layers: imports go down (docs/architecture.md, "Layers") ----------------------------------

PACKAGE_SOURCES = [p for folder in ("estimator", "diagrams_lib", "ui") for p in sorted((ROOT / folder).rglob("*.py"))] \
    + [ROOT / "app.py"]
# module path prefix -> module prefixes it must not import, at module level or inside a function
# (upward in the layers)
UPWARD = {
    "estimator/calc/": ("estimator.scenario", "estimator.compose", "estimator.report", "estimator.views",
                        "estimator.display", "estimator.results", "diagrams_lib"),
    "estimator/scenario/": ("diagrams_lib", "estimator.compose", "estimator.report", "estimator.views",
                            "estimator.display", "estimator.notes", "estimator.cli"),
    "estimator/vocabulary.py": ("estimator.", "diagrams_lib"),
    "estimator/display.py": ("estimator.report", "estimator.views", "estimator.notes", "estimator.cli"),
    "diagrams_lib/": ("estimator.report", "estimator.views", "estimator.notes", "estimator.cli"),
}


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import in the file, inside functions too: a lazy import is
    still a dependency."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
    return found


def test_no_module_imports_a_higher_layer():
    wrong = []
    for path in PACKAGE_SOURCES:
        where = path.relative_to(ROOT).as_posix()
        for prefix, banned in UPWARD.items():
            if where.startswith(prefix):
                wrong += [f"{where}:{line}: imports {module}" for line, module, _ in _imports(path)
                          if module.startswith(banned)]
    assert wrong == []


def test_calc_imports_only_trace_units_vocabulary_and_itself():
    allowed = ("estimator.trace", "estimator.units", "estimator.vocabulary", "estimator.calc")
    wrong = [f"{path.name}:{line}: {module}" for path in sorted((ROOT / "estimator" / "calc").glob("*.py"))
             for line, module, _ in _imports(path) if module.startswith("estimator") and not module.startswith(allowed)]
    assert wrong == []


def test_no_private_name_is_imported_from_another_module():
    wrong = []
    for path in [*PACKAGE_SOURCES, *sorted((ROOT / "tests").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in (
                    "estimator", "diagrams_lib", "ui"):
                wrong += [f"{path.relative_to(ROOT)}:{node.lineno}: {alias.name} from {node.module}"
                          for alias in node.names if alias.name.startswith("_")]
    assert wrong == []
