"""Dependencies point inward: api → projections → pointsbank; the domain does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_ALLOWED = {
    "__future__",
    "dataclasses",
    "datetime",
    "enum",
    "typing",
    "uuid",
    "unicodedata",
    "collections",
    "functools",  # pure: caching immutable terms
    "copy",  # pure: a resident's working copy (Resident.__deepcopy__)
    "eventsourcing",
    "pointsbank",
}


def imports(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def top(name: str) -> str:
    return name.split(".")[0]


def test_domain_imports_no_framework_and_does_no_io() -> None:
    for path, names in imports(ROOT / "src/pointsbank/domain").items():
        outside = {n for n in names if top(n) not in DOMAIN_ALLOWED}
        assert not outside, f"{path} imports {outside}"
        assert not {
            n
            for n in names
            if n.startswith("pointsbank.") and not n.startswith("pointsbank.domain")
        }, path


def test_domain_modules_never_call_the_clock() -> None:
    for path in (ROOT / "src/pointsbank/domain").rglob("*.py"):
        text = path.read_text()
        for call in ("datetime.now", "date.today", "time.time", "utcnow"):
            assert call not in text, f"{path} calls {call}"


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("src/pointsbank", {"api", "projections", "fastapi", "starlette", "uvicorn", "typer"}),
        ("projections", {"api", "fastapi", "starlette", "uvicorn", "typer"}),
    ],
)
def test_layers_point_inward(folder: str, forbidden: set[str]) -> None:
    for path, names in imports(ROOT / folder).items():
        assert not {n for n in names if top(n) in forbidden}, f"{path} imports {names}"
