"""The layering rule, as an import graph over ``marketplace/`` (read with ``ast``, nothing run).

Arrows point one way: web layer -> lessons -> services.

* Services (everything not listed in ``WEB`` and not under ``marketplace.lessons``) never
  import ``marketplace.lessons`` nor the web layer: the stages build on them.
* A lesson never imports another lesson. It may use the lesson engine
  (``marketplace.lessons``, ``.base``, ``.registry``, ``.state``), services, and only the
  web-layer modules in ``LESSONS_MAY_USE`` (each says why; a lesson that depends on another
  lesson's behaviour does it through such a façade and writes that down in its seam.py).
* No import cycles, counting imports inside functions too.

Imports under ``if TYPE_CHECKING:`` never run, so they are not edges; nor is a module's
import of its own enclosing package (that package is always imported first).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "marketplace"

# The web layer: app assembly, blueprints, request hooks, the CLI, and the façades that
# call active(); everything above the lessons.
WEB = {
    "marketplace",
    "marketplace.api",
    "marketplace.audit",
    "marketplace.auth",
    "marketplace.backups",
    "marketplace.cli",
    "marketplace.cli_attack",
    "marketplace.cli_ctf",
    "marketplace.cli_fix",
    "marketplace.demo",
    "marketplace.fixcheck",
    "marketplace.hosts",
    "marketplace.lesson_sessions",
    "marketplace.listings",
    "marketplace.media",
    "marketplace.password_storage",
    "marketplace.remember_me",
    "marketplace.security_hooks",
    "marketplace.seeding",
    "marketplace.user",
    "marketplace.wsgi",
}
WEB_PACKAGES = ("marketplace.lab",)
ENGINE = {
    "marketplace.lessons",
    "marketplace.lessons.base",
    "marketplace.lessons.registry",
    "marketplace.lessons.state",
    "marketplace.lessons.workspace",
}
LESSONS_MAY_USE = {
    # broken-authentication's hardened stage verifies a dummy hash with whatever storage
    # scheme is active; weak-password-storage's breach re-hashes the demo users with it.
    "marketplace.password_storage",
    # the demo accounts: the lessons' exploits and breach use their published credentials.
    "marketplace.demo",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """Every import node, anywhere (functions too), except under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            yield from (n for child in node.orelse for n in _imports_of(child))
            continue
        yield from _imports_of(node)


def _imports_of(node: ast.AST):
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    yield from _imports(node)


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the ``marketplace`` modules it imports."""
    files = {module_name(p): p for p in root.rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in _imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
                continue
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in files else base)
        ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        graph[name] = {t for t in targets if t in files and t != name and t not in ancestors}
    return graph


def layer(name: str) -> str:
    if name in ENGINE:
        return "engine"
    if name.startswith("marketplace.lessons."):
        return "lesson"
    if name in WEB or name.startswith(WEB_PACKAGES):
        return "web"
    return "service"


def lesson_of(name: str) -> str:
    return name.split(".")[2]


def violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for name, targets in sorted(graph.items()):
        for target in sorted(targets):
            where, what = layer(name), layer(target)
            if where == "service" and what in ("engine", "lesson", "web"):
                found.append(f"{name} (a service) imports {target} ({what})")
            if where == "lesson" and what == "lesson" and lesson_of(name) != lesson_of(target):
                found.append(f"{name} imports another lesson: {target}")
            if where == "lesson" and what == "web" and target not in LESSONS_MAY_USE:
                found.append(f"{name} (a lesson) imports the web layer: {target}")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first walk (each reported once)."""
    found, seen, stack, on_stack = [], set(), [], set()

    def visit(node: str) -> None:
        seen.add(node)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target in on_stack:
                found.append([*stack[stack.index(target) :], target])
            elif target not in seen:
                visit(target)
        stack.pop()
        on_stack.discard(node)

    for node in sorted(graph):
        if node not in seen:
            visit(node)
    return found


def test_every_web_module_named_here_exists():
    graph = import_graph()
    assert set(graph) >= WEB, sorted(WEB - set(graph))
    assert LESSONS_MAY_USE <= WEB


def test_services_lessons_and_web_layer_import_one_way():
    assert violations(import_graph()) == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []
