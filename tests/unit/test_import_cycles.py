"""No import cycle among the project's modules, counting imports inside functions too.

An import moved into a function body still forms a cycle (it only hides it from the
interpreter until that function runs), so the graph is built with :mod:`ast` from every
``import`` statement in each file. To cover another tree, add it to ``PACKAGE_ROOTS``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGE_ROOTS: list[tuple[Path, str]] = [
    # (folder holding the top-level package, top-level package name)
    (REPOSITORY / "layers", "kentei"),
    (REPOSITORY / "functions", "intake"),
    (REPOSITORY / "functions", "verify"),
    (REPOSITORY / "functions", "sync"),
    (REPOSITORY / "functions", "certify"),
]


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """Every known module ``module`` imports, anywhere in its file."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join([*base, *([node.module] if node.module else [])])
            else:
                prefix = node.module or ""
            # "from a import b" names the module a.b when there is one, else a itself.
            targets = [
                f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in known else prefix
                for alias in node.names
            ]
        for target in targets:
            # "import a.b.c" also imports a and a.b; keep the deepest known module.
            parts = target.split(".")
            for end in range(len(parts), 0, -1):
                candidate = ".".join(parts[:end])
                if candidate in known:
                    if candidate != module:
                        found.add(candidate)
                    break
    return found


def import_graph(roots: list[tuple[Path, str]]) -> dict[str, set[str]]:
    files: dict[str, Path] = {}
    for root, package in roots:
        for path in sorted((root / package).rglob("*.py")):
            files[_module_name(root, path)] = path
    known = set(files)
    return {module: _imports(module, path, known) for module, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path ``[a, b, ..., a]``, or ``None``. Iterative depth-first search."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    for start in sorted(graph):
        if start in state:
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        path = [start]
        state[start] = 1
        while stack:
            node, pending = stack[-1]
            if not pending:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            child = pending.pop()
            if state.get(child) == 1:
                return [*path[path.index(child) :], child]
            if child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, sorted(graph.get(child, set()))))
    return None


def test_no_import_cycle_in_the_project() -> None:
    graph = import_graph(PACKAGE_ROOTS)
    assert graph, "no module found"
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


@pytest.mark.parametrize(
    ("graph", "cyclic"),
    [
        ({"a": {"b"}, "b": {"a"}}, True),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
        ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, False),
    ],
)
def test_find_cycle(graph: dict[str, set[str]], cyclic: bool) -> None:
    assert (find_cycle(graph) is not None) is cyclic


def test_function_level_imports_count(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import x\n")
    (package / "b.py").write_text("def f() -> None:\n    from pkg import a\n")
    assert find_cycle(import_graph([(tmp_path, "pkg")])) == ["pkg.a", "pkg.b", "pkg.a"]
