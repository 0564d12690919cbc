"""The package uses its dependencies and the standard library through their public APIs only.

Scanned in src/: no name-mangled or underscore attribute of another package, no import of a
private name, no ``sys.modules`` tricks, no assignment to an attribute of an imported module or
of an object another package made (monkey-patching). Each rule is checked on a line that breaks it
too, so that the scan cannot pass by matching nothing.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import types
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "lingopress"

# Dunder names are Python's own protocol, public by definition.
_DUNDER = ("__init__", "__name__", "__file__", "__class__", "__doc__", "__version__", "__all__")
# Documented public API that the module's ``__all__`` leaves out: how a forked child process
# ends, and the path protocol's abstract class (both in the os module's documentation).
_DOCUMENTED = {"os._exit", "os.PathLike"}


def _own_names(tree: ast.Module) -> set[str]:
    """Names the module itself defines (classes, functions, top-level assignments)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _imported(tree: ast.Module) -> dict[str, str]:
    """Local name -> the module (or module member) it stands for, for imports of other packages."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith("lingopress"):
                    # "import a.b" binds "a"; "import a.b as c" binds "c" to a.b.
                    local = alias.asname or alias.name.split(".")[0]
                    names[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("lingopress"):
                continue
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _foreign(tree: ast.Module, imported: dict[str, str]) -> set[str]:
    """Local names bound to what another package's function gives (``p = parse_pattern(...)``,
    ``formats = locale.currency_formats``): objects it may share with every other caller. (An
    instance made by calling a class, ``Element(...)``, is the caller's own.)"""
    foreign: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        if not isinstance(target, ast.Name):
            continue
        root = _root(value)
        if root not in imported and root not in foreign:
            continue
        if isinstance(value, ast.Call):
            func = value.func
            last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if last[:1].isupper():
                continue
        foreign.add(target.id)
    return foreign


# Methods of Python-Markdown's objects that a replacement would patch (processors' run and test,
# the Markdown instance's own).
_METHODS = {"run", "test", "convert", "reset", "is_block_level", "handleMatch"}


def _not_exported(module: str, attr: str) -> bool:
    """Whether ``module`` declares its public names (``__all__``) and ``attr`` is not one of them
    (``gettext.c2py``)."""
    try:
        imported = importlib.import_module(module)
    except ImportError:
        return False
    exported = getattr(imported, "__all__", None)
    if exported is None or attr in exported or attr.startswith("__"):
        return False
    if isinstance(getattr(imported, attr, None), types.ModuleType):
        return False  # a submodule
    return importlib.util.find_spec(f"{module}.{attr}") is None if hasattr(imported, "__path__") else True


def _patches(value: ast.expr) -> bool:
    """Whether an assigned value is a replacement callable: a lambda, or a wrapped function
    (``lru_cache(maxsize=8)(md.is_block_level)``)."""
    return isinstance(value, ast.Lambda) or (isinstance(value, ast.Call) and isinstance(value.func, ast.Call))


def violations(source: str, name: str = "<source>") -> list[str]:
    """Every use of a non-public API in ``source`` (Python code), as ``name:line: what``."""
    tree = ast.parse(source)
    imported = _imported(tree)
    own = _own_names(tree)
    foreign = _foreign(tree, imported)
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{name}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.module.startswith("lingopress"):
            private = [p for p in node.module.split(".") if p.startswith("_") and not p.endswith("__")]
            if node.level == 0 and private:
                report(node, f"import from the private module {node.module}")
            for alias in node.names:
                if alias.name.startswith("_") and alias.name not in _DUNDER:
                    report(node, f"import of the private name {node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(part.startswith("_") for part in alias.name.split(".")):
                    report(node, f"import of the private module {alias.name}")
        elif isinstance(node, ast.Attribute):
            attr = node.attr
            if (
                attr.startswith("_")
                and attr not in _DUNDER
                and not (attr.startswith("__") and attr.endswith("__"))
            ):
                base = node.value
                ours = isinstance(base, ast.Name) and (base.id in {"self", "cls"} or base.id in own)
                if "__" in attr[1:] and attr[1:2].isupper():
                    report(node, f"name-mangled attribute {attr}")
                elif not ours and not (isinstance(base, ast.Name) and f"{base.id}.{attr}" in _DOCUMENTED):
                    root = _root(base)
                    if root in imported or not isinstance(base, ast.Name) or root not in own:
                        report(node, f"underscore attribute .{attr} of another object")
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
            and not node.attr.startswith("_")
            and _not_exported(imported[node.value.id], node.attr)
            and f"{imported[node.value.id]}.{node.attr}" not in _DOCUMENTED
        ):
            report(node, f"{imported[node.value.id]}.{node.attr}, not among the module's public names")
        if isinstance(node, ast.Subscript):
            value = node.value
            if (
                isinstance(value, ast.Attribute)
                and value.attr == "modules"
                and isinstance(value.value, ast.Name)
                and value.value.id == "sys"
            ):
                report(node, "sys.modules[...]")
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            value = getattr(node, "value", None)
            for target in targets:
                if not isinstance(target, ast.Attribute):
                    continue
                root = _root(target)
                if root in imported or root in foreign:
                    report(node, f"assignment to {ast.unparse(target)} (another package's object)")
                elif root not in {"self", "cls"} and (
                    (value is not None and _patches(value)) or target.attr in _METHODS
                ):
                    report(node, f"assignment to {ast.unparse(target)} (a replaced method)")
    return found


def test_no_private_api_monkey_patching_or_sys_modules_tricks_in_src() -> None:
    """The package's modules touch other packages only through their public names."""
    found = [v for path in sorted(SRC.glob("*.py")) for v in violations(path.read_text("utf-8"), path.name)]
    assert found == []
    assert len(list(SRC.glob("*.py"))) > 20


@pytest.mark.parametrize(
    ("code", "what"),
    [
        (
            "from markdown.treeprocessors import InlineProcessor\n"
            "class P(InlineProcessor):\n    def f(self):\n"
            "        return self._InlineProcessor__applyPattern\n",
            "name-mangled attribute _InlineProcessor__applyPattern",
        ),
        ("import sys\nsys.modules['pygments'] = None\n", "sys.modules[...]"),
        (
            "import gettext\nf = gettext.c2py('n')\nx = gettext._translations\n",
            "underscore attribute ._translations",
        ),
        ("from gettext import _expand_lang\n", "import of the private name gettext._expand_lang"),
        (
            "from babel.numbers import parse_pattern\np = parse_pattern('#')\np.frac_prec = (0, 0)\n",
            "assignment to p.frac_prec",
        ),
        (
            "from functools import lru_cache\n"
            "def f(md):\n    md.is_block_level = lru_cache(8)(md.is_block_level)\n",
            "assignment to md.is_block_level (a replaced method)",
        ),
        ("def f(processor):\n    processor.run = lambda lines: lines\n", "assignment to processor.run"),
        ("def f(processor, g):\n    processor.test = g(processor.test)\n", "assignment to processor.test"),
        ("import gettext\nf = gettext.c2py('n')\n", "gettext.c2py, not among the module's public names"),
        (
            "from babel import Locale\nf = Locale.parse('de').currency_formats\nf['x'] = 1\nf.y = 2\n",
            "assignment to f.y",
        ),
        ("from markdown import Markdown\nMarkdown.convert = None\n", "assignment to Markdown.convert"),
        ("def f(md):\n    return md.parser.blockprocessors._data\n", "underscore attribute ._data"),
        ("from babel._compat import x\n", "import from the private module babel._compat"),
    ],
)
def test_the_scan_finds_each_kind_of_private_use(code: str, what: str) -> None:
    """Each rule of the scan catches a line that breaks it."""
    found = violations(code)
    assert any(what in v for v in found), found


def test_the_scan_lets_the_package_use_its_own_private_names() -> None:
    """A module's own underscore names, and its objects' own attributes, are its business."""
    code = (
        "import re\n_RE = re.compile('x')\nclass A:\n    def __init__(self):\n        self._x = 1\n"
        "    def f(self, other: 'A'):\n        return self._x + _RE.pattern.__len__()\n"
    )
    assert violations(code) == []
