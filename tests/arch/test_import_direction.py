"""Imports point inward (ARCHITECTURE.md): ml <- executors, store, config <- services <- api <- cli.

Read from the source with `ast`, so the rule holds for every module whether or not a test
happens to import it, and a violation names the file, line and import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "backend" / "playground"
# A package may import its own modules, the top-level `playground` (the version) and any
# package of a lower rank; packages of one rank are independent of each other.
RANK = {"ml": 0, "executors": 1, "store": 1, "config": 1, "services": 2, "api": 3, "cli": 4}
# Routes are HTTP plumbing around one service call: they never reach past the services.
ROUTES_MAY_NOT = ("playground.executors", "playground.store", "playground.config")
ROUTES_MAY = ("playground.store.states",)  # the status vocabulary, a plain value type


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name.split(".")[0] == "playground"]


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _package(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _violations(path: Path) -> list[str]:
    where = str(path.relative_to(PACKAGE.parent))
    return _check(_package(path), "routes" in path.parts, _imports(path), where)


def _check(own: str, route: bool, imports: list[tuple[int, str]], where: str) -> list[str]:
    """What is wrong with the `imports` of a module of package `own`."""
    bad = []
    for line, name in imports:
        parts = name.split(".")
        if len(parts) == 1 or parts[1] == own:
            continue
        target = parts[1]
        if target not in RANK:
            bad.append(f"{where}:{line} imports {name}: a package missing from RANK")
        elif RANK[target] >= RANK.get(own, -1):
            bad.append(f"{where}:{line} ({own}) imports {name} ({target}): outward or sideways")
        elif route and name.startswith(ROUTES_MAY_NOT) and name not in ROUTES_MAY:
            bad.append(f"{where}:{line}: a route imports {name}; call a service instead")
    return bad


def test_every_package_has_a_rank() -> None:
    packages = {_package(p) for p in _modules()} - {"__init__"}
    assert packages == set(RANK)


def test_imports_point_inward() -> None:
    bad = [v for path in _modules() for v in _violations(path)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("package", "route", "module", "ok"),
    [
        ("services", False, "playground.api.hub", False),
        ("ml", False, "playground.store.repo", False),
        ("store", False, "playground.executors.events", False),
        ("api", True, "playground.store.repo", False),
        ("api", True, "playground.store.states", True),
        ("api", False, "playground.services.runs", True),
        ("cli", False, "playground.api.main", True),
    ],
)
def test_the_rule_catches_outward_imports(package: str, route: bool, module: str, ok: bool) -> None:
    """The checker itself: an outward import is reported, an inward one is not."""
    assert (_check(package, route, [(1, module)], "probe.py") == []) is ok
