"""The arrows point down: provinces ← notices ← periods ← projects ← reports ← products ← conferences;
khuyencong (settings, URLs, shared infrastructure) sits on top and may import anything. Checked on the source
itself (every import statement, at module level or inside a function, so a late import cannot hide an upward
dependency), outside tests and migrations, which are not part of the running dependency graph."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["provinces", "notices", "periods", "projects", "reports", "products", "conferences"]


def _sources():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield app, path


def _imports(path: Path):
    """(line, imported module, imported names) for every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module, [alias.name for alias in node.names]


def _app_of(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in LAYERS else None


def _violations() -> list[str]:
    found = []
    for app, path in _sources():
        where = path.relative_to(ROOT)
        for line, module, names in _imports(path):
            target = _app_of(module)
            if target is None or target == app:
                continue
            if LAYERS.index(target) > LAYERS.index(app):
                found.append(f"{where}:{line} {app} imports {module} (above it)")
            private = [n for n in names if n.startswith("_")]
            private += [part for part in module.split(".")[1:] if part.startswith("_") and part != "__init__"]
            if private:
                found.append(f"{where}:{line} imports private {', '.join(private)} from {module}")
    return found


def test_no_app_imports_upward_or_another_apps_private_names():
    assert _violations() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n    from reports import figures\n", "provinces imports reports"),
        ("from projects.api import _filter_province\n", "imports private _filter_province"),
    ],
)
def test_the_check_catches_a_late_upward_import_and_a_private_name(tmp_path, monkeypatch, source, expected):
    """The check itself can fail: a function-level upward import and a private name are both reported."""
    fake = tmp_path / "provinces"
    fake.mkdir()
    (fake / "bad.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert any(expected in v for v in _violations())
