"""The layout shows the design (issue 8): core imports no domain app, not even lazily inside a function;
domain apps reach core through its registries (kefu/core/extensions.py)."""

import ast
from pathlib import Path

import pytest

KEFU = Path(__file__).resolve().parent.parent / "kefu"
# Apps core may never import: every Django app of kefu except core and jobs (infrastructure like core: durable
# background work, importing no domain app either), and policy (which imports them all).
INFRASTRUCTURE = {"core", "jobs"}
DOMAIN = {p.name for p in KEFU.iterdir() if (p / "apps.py").exists() and p.name not in INFRASTRUCTURE} | {"policy"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):  # walks function bodies too: a lazy import is still a dependency
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_domain_list_is_real():
    assert {"tickets", "complaints", "sla", "notifications", "accounts", "policy"} <= DOMAIN


@pytest.mark.parametrize("package", sorted(INFRASTRUCTURE))
def test_infrastructure_imports_no_domain_app(package):
    offending = {}
    for path in sorted((KEFU / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        bad = sorted(name for name in imports_of(path)
                     if name.startswith("kefu.") and name.split(".")[1] in DOMAIN)
        if bad:
            offending[str(path.relative_to(KEFU))] = bad
    assert offending == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from kefu.tickets.models import Ticket\n    return Ticket\n")
    assert "kefu.tickets.models" in imports_of(sample)


MODULE_LINES = 520  # "modules under about 500 lines" (STANDARD): a little slack, then split along a seam


def test_no_module_over_about_500_lines():
    long = {str(path.relative_to(KEFU)): n for path in KEFU.rglob("*.py")
            if "migrations" not in path.parts and (n := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES}
    assert long == {}, f"split these along a seam (see docs/architecture.md): {long}"
