"""The conventions of docs/architecture.md that a reviewer would otherwise check by hand.

One transaction rule: in a feature package, nothing commits or rolls back by hand. Services
flush; pages, API endpoints, socket events, jobs and CLI commands run their write through the
one edge (``app.db.transaction``/``transactional``, ``app.edge.attempt``/``form_action``,
``app.sockets.handler``). Demo loaders are seeding scripts run from the CLI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FEATURES = (
    "aid",
    "directory",
    "experts",
    "campaigns",
    "forums",
    "library",
    "messaging",
    "offers",
    "projects",
    "volunteering",
)
#: Packages that keep the transaction rule: the features and the core's accounts.
TRANSACTIONAL = (*FEATURES, "app/accounts")

#: Hand-written rollbacks that end a read-only transaction before the code may yield to other
#: greenlets (presence pushes): nothing is written there, so there is nothing to keep.
READ_ONLY_ROLLBACKS = {
    "messaging/queries.py",
    "messaging/online.py",
}


def _calls(path: Path, names: set[str]) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in names
        and "session" in ast.unparse(node.func.value)
    ]


def _modules(package: str) -> list[Path]:
    return sorted(
        p
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts and p.name != "demo.py"
    )


@pytest.mark.parametrize("package", TRANSACTIONAL)
def test_features_commit_only_through_the_edge(package: str) -> None:
    found = []
    for path in _modules(package):
        relative = path.relative_to(ROOT).as_posix()
        names = {"commit"} if relative in READ_ONLY_ROLLBACKS else {"commit", "rollback"}
        found += [f"{relative}:{line}" for line in _calls(path, names)]
    assert not found, "commit through app.db.transaction / app.edge / app.sockets: " + ", ".join(
        found
    )


#: The edges of a feature: they call services (writes), queries (reads) and access (checks);
#: they hold no ``db.session`` (a page shown again after a stale edit reads the stored version
#: through a query, e.g. ``forums.queries.stored_post``). ``home.py`` draws the blocks a
#: feature adds to other pages (app.plugins): an edge too.
EDGE_MODULES = ("routes.py", "api.py", "events.py", "home.py")


def _edge_reads(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "select":
                lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and (
            ast.unparse(node.value) == "db.session" or node.attr == "query"
        ):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("package", FEATURES)
def test_feature_edges_read_through_queries(package: str) -> None:
    """Routes, API endpoints and socket events hold no SQL: reads are in ``queries.py`` (a
    fixed number of queries each, one place to look), checks in ``access.py``."""
    found = []
    for path in _modules(package):
        if path.name in EDGE_MODULES:
            relative = path.relative_to(ROOT).as_posix()
            found += [f"{relative}:{line}" for line in _edge_reads(path)]
    assert not found, "reads go to queries.py, checks to access.py: " + ", ".join(found)


@pytest.mark.parametrize("package", FEATURES)
def test_serializers_read_nothing(package: str) -> None:
    """``serialize.py`` shapes what it is given: what a dict needs besides its rows is read in
    ``queries.py`` and handed in (a constant number of queries for a list, one place to look)."""
    found = []
    for path in _modules(package):
        if path.name == "serialize.py":
            relative = path.relative_to(ROOT).as_posix()
            found += [f"{relative}:{line}" for line in _edge_reads(path)]
    assert not found, "serializers take what queries.py read: " + ", ".join(found)


#: what a serializer may not import: the modules that read (a call is a read the SQL test
#: above does not see), and other features (whose facades read)
_READERS = ("queries", "access", "services")


def _serializer_reader_imports(path: Path, package: str) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            names = [alias.name for alias in node.names]
            own = node.module == package or node.module.startswith(package + ".")
            other_feature = top in FEATURES and not own
            reader = node.module.rsplit(".", 1)[-1] in _READERS or set(names) & set(_READERS)
            if other_feature or (own and reader):
                found.append(f"{node.module} ({', '.join(names)}):{node.lineno}")
    return found


@pytest.mark.parametrize("package", FEATURES)
def test_serializers_call_no_reader(package: str) -> None:
    """Nor does it call what reads: no ``queries``, ``access`` or ``services`` of its feature,
    no other feature's facade (its viewer's membership, its associations' names are handed
    in: ``directory.queries.viewer_membership``, ``projects.queries.project_associations``)."""
    found = []
    for path in _modules(package):
        if path.name == "serialize.py":
            relative = path.relative_to(ROOT).as_posix()
            found += [f"{relative}: {hit}" for hit in _serializer_reader_imports(path, package)]
    assert not found, "serializers are handed what they show: " + ", ".join(found)


#: Imports inside a function are where import cycles hide (issue 12): a module imports what it
#: uses at its top. Lazy by design: ``register(app)`` in a package's ``__init__.py`` (and what
#: it nests), the app factory in ``app/__init__.py`` (every ``import app.x`` runs that file, so
#: it loads the rest only when an app is built), and CLI modules (``cli.py``).
REGISTRATION = {"register", "create_app", "_register_templates", "_register_error_pages"}

#: (module, imported name) -> why it stays inside its function.
LAZY_IMPORTS = {
    ("app.images", "PIL.Image"): "Pillow is heavy; only uploads decode images",
    ("app.images", "PIL.ImageOps"): "Pillow is heavy; only uploads decode images",
    ("app.images", "PIL.UnidentifiedImageError"): "Pillow is heavy; only uploads decode images",
    ("app.realtime", "redis"): "the redis client loads only when REDIS_URL is set",
    ("app.search.service", "gevent.monkey"): "gevent loads only where it patched threading",
    ("app.search.service", "gevent"): "gevent loads only where it patched threading",
}


def _function_imports(path: Path) -> list[tuple[str, int]]:
    """``(imported name, line)`` of each import inside a function of ``path``, outside the
    lazy places (see :data:`REGISTRATION`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                lazy = path.name == "__init__.py" and node is tree and child.name in REGISTRATION
                if not lazy:
                    visit(child, True)
            elif isinstance(child, ast.Import) and in_function:
                found.extend((alias.name, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and in_function:
                found.extend(
                    (f"{child.module}.{alias.name}", child.lineno) for alias in child.names
                )
            else:
                visit(child, in_function)

    visit(tree, False)
    return found


def _all_function_imports() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for package in ("app", *FEATURES):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or path.name == "cli.py":
                continue
            relative = path.relative_to(ROOT)
            module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
            for name, line in _function_imports(path):
                found.setdefault((module, name), []).append(f"{relative.as_posix()}:{line}")
    return found


def test_no_imports_hidden_in_functions() -> None:
    """A module imports at its top; an import inside a function hides a cycle the layering
    should break. Keep one lazy only for a heavy optional dependency, with its reason in
    :data:`LAZY_IMPORTS` and a comment on the line."""
    hidden = [
        f"{where} imports {name}"
        for (module, name), places in _all_function_imports().items()
        if (module, name) not in LAZY_IMPORTS
        for where in places
    ]
    assert not hidden, "import at the module's top: " + ", ".join(hidden)


def test_lazy_imports_allowed_are_still_there() -> None:
    """An entry of :data:`LAZY_IMPORTS` whose import was lifted goes too."""
    stale = set(LAZY_IMPORTS) - set(_all_function_imports())
    assert not stale, f"remove from LAZY_IMPORTS: {sorted(stale)}"


def test_pages_carry_no_inline_style() -> None:
    """The content security policy allows no inline style (``style-src 'self'``): a ``style``
    attribute in a page is silently ignored by the browser (a progress bar that never fills).
    Mails are not pages: their templates may."""
    offenders = [
        str(path.relative_to(ROOT))
        for package in (*FEATURES, "app")
        for path in (ROOT / package).rglob("templates/**/*.html")
        if "/mail/" not in path.as_posix() and 'style="' in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
