"""The app uses WeasyPrint and qrcode only through what their documentation describes.

An upgrade of either library must not break badges silently, so nothing under ``confapp/``
imports their internal modules or reaches into underscored attributes.
"""
from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import confapp

SOURCE = Path(confapp.__file__).resolve().parent
#: What the libraries document: WeasyPrint's ``HTML``/``CSS``/documents and its URL fetcher;
#: qrcode's ``QRCode``, constants and image factories.
PUBLIC = {"weasyprint": {"weasyprint", "weasyprint.urls"},
          "qrcode": {"qrcode", "qrcode.constants", "qrcode.image.svg", "qrcode.image.pil", "qrcode.image.pure", "qrcode.exceptions"}}


def _modules():
    for path in sorted(SOURCE.rglob("*.py")):
        yield path, ast.parse(path.read_text(), str(path))


def _imported(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
            for alias in node.names:  # "from weasyprint import text" imports a module too
                if alias.name.startswith("_") or f"{node.module}.{alias.name}".split(".")[0] in PUBLIC:
                    yield node.lineno, f"{node.module}.{alias.name}"


def _private(name: str) -> bool:
    library = name.split(".")[0]
    if library not in PUBLIC:
        return False
    if any(part.startswith("_") for part in name.split(".")):
        return True
    if _is_module(name):
        return name not in PUBLIC[library]
    # "from weasyprint import HTML" names something of a module, which must be public.
    return name.rsplit(".", 1)[0] not in PUBLIC[library]


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a name inside a module, such as "weasyprint.HTML"
        return False


def test_no_module_imports_a_private_module_of_weasyprint_or_qrcode():
    found = [f"{path.relative_to(SOURCE.parent)}:{line}: {name}" for path, tree in _modules()
             for line, name in _imported(tree) if _private(name)]

    assert not found, "private imports:\n" + "\n".join(found)


def test_the_check_knows_a_private_import_when_it_sees_one():
    for name in ("weasyprint.formatting_structure.boxes", "weasyprint.text.ffi", "weasyprint.layout",
                 "qrcode.base", "qrcode.util", "qrcode._private", "weasyprint._internal"):
        assert _private(name), name
    for name in ("weasyprint", "weasyprint.HTML", "weasyprint.urls.URLFetcher", "qrcode.QRCode",
                 "qrcode.constants.ERROR_CORRECT_M", "pydyf", "flask"):
        assert not _private(name), name


def test_no_module_reaches_into_underscored_attributes_of_other_code():
    own = {node.name for _, tree in _modules() for node in ast.walk(tree)
           if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    own |= {target.id for _, tree in _modules() for node in ast.walk(tree) if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)}
    own |= {target.attr for _, tree in _modules() for node in ast.walk(tree)
            if isinstance(node, (ast.Assign, ast.AnnAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Attribute)}
    own |= {node.target.id for _, tree in _modules() for node in ast.walk(tree)
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)}
    found = [f"{path.relative_to(SOURCE.parent)}:{node.lineno}: .{node.attr}"
             for path, tree in _modules() if "documents" in path.parts for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
             and node.attr not in own]

    assert not found, "underscored attributes of other code:\n" + "\n".join(found)
