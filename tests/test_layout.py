"""Who imports whom: the content library stands alone, areas use each
other's public parts only, and every area registers through init_app."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "course"
AREAS = ("activities", "admin", "auth", "authoring", "learn", "reminders")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The modules `path` imports (absolute names; `from . import x` gives package.x)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _reachable(start: str, modules: dict[str, Path]) -> set[str]:
    """Every module `start` imports, directly or not, stopping at the `course` package itself."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in modules and name != "course":
            todo.extend(_imports(modules[name]))
    return seen


def test_the_content_library_needs_neither_flask_login_nor_the_runtime():
    modules = _modules()
    for name in (n for n in modules if n.startswith("course.content.") or n == "course.content"):
        reached = _reachable(name, modules)
        assert not {r for r in reached if r.startswith("flask_login")}, name
        assert "course.content_runtime" not in reached, name
        assert not {r for r in reached if r.split(".")[:2] in [["course", a] for a in AREAS]}, name


def test_learn_does_not_know_the_other_areas():
    modules = _modules()
    for name in (n for n in modules if n.startswith("course.learn")):
        others = {r for r in _imports(modules[name]) if r.split(".")[:2] in
                  [["course", a] for a in AREAS if a not in ("learn", "auth")]}
        assert others == set(), name
    templates = (PACKAGE / "templates" / "learn").rglob("*.html")
    for template in templates:
        text = template.read_text(encoding="utf-8")
        for area in ("activities", "reminders", "admin", "authoring"):
            assert f'"{area}/' not in text and f"'{area}." not in text, (template, area)


@pytest.mark.parametrize("area", AREAS)
def test_every_area_registers_through_init_app(area):
    tree = ast.parse((PACKAGE / area / "__init__.py").read_text(encoding="utf-8"))
    assert "init_app" in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert ast.get_docstring(tree), f"course/{area}/__init__.py says what the area owns"


def test_no_area_imports_another_areas_private_names():
    modules = _modules()
    for name, path in modules.items():
        parts = name.split(".")
        if len(parts) < 2 or parts[1] not in AREAS:
            continue
        for imported in _imports(path):
            bits = imported.split(".")
            if len(bits) >= 3 and bits[0] == "course" and bits[1] in AREAS and bits[1] != parts[1]:
                assert not any(b.startswith("_") and b != "__init__" for b in bits[2:]), (name, imported)
