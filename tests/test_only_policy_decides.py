"""Only kefu/policy decides who sees and does what (issue 8).

Every module of kefu outside kefu/policy is read (as a syntax tree, so comments, strings and docstrings do
not count) and every role decision is reported with its file and line:

- naming a particular role: `Role.AGENT`, `Role.SUPERVISOR` ... (the Role choices as a whole, `Role.values`
  or `Role.choices`, are only the vocabulary: validating input and typing the schema use them);
- comparing someone's role with a particular role: `user.role == "agent"`, `by.role in {Role.AGENT, ...}`,
  `role == Role.HANDLER`, `data["role"] in PERSONAL_DATA_ROLES` (comparing a role with another role value,
  e.g. the audit's old != new, is not a decision). A plain name or key compared with a bare string
  (`role == "agent"`, `turn["role"] == "agent"`) is left alone: in QA that is a conversation turn's speaker;
  a staff role always comes from an object (`x.role`) or is named through `Role`;
- selecting people by a fixed role: `.filter(role="qa")`, `.exclude(role__in=[...])`;
- Django's own permission flags and groups: reading `is_superuser` / `is_staff`, `has_perm(s)`,
  `user.groups` (setting the flags is allowed: the accounts services store what policy grants);
- in templates: `.role`, `is_superuser`, `is_staff`, `perms.` inside `{% if %}` and friends (a template
  gets a `can_...` flag from policy instead).

A new app (reports, callbacks ...) passes by asking policy: add `kefu/policy/<domain>.py` with the checks
and call them. The allow-list below is for code where "role" means something else or where roles are data;
each entry says why, and an entry that no longer matches anything fails the test so it cannot go stale.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEFU = ROOT / "kefu"
ROLE_VALUES = {"agent", "supervisor", "qa", "handler", "admin"}
FLAGS = {"is_superuser", "is_staff"}
PERMISSION_CALLS = {"has_perm", "has_perms", "has_module_perms", "get_all_permissions", "get_group_permissions"}
QUERY_CALLS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "Q"}
ROLE_KEYWORD = re.compile(r"(^|__)role(__in|__exact|__iexact)?$")

# path (relative to kefu/) -> why the rule does not apply there. Keep it short: prefer moving the decision.
ALLOWED = {
    "accounts/models.py": "defines the Role choices themselves",
    "tickets/demo.py": "demo data: creates the demo staff with their roles (data, not a decision)",
    "qa_engine/": "a conversation turn's speaker (customer / agent / system), not a staff role; "
                  "the engine imports no Django model (checked below)",
}


def _is_role_ref(node: ast.AST) -> bool:
    """`x.role`, `role`, `x["role"]`: something that holds a role."""
    if isinstance(node, ast.Attribute):
        return node.attr == "role"
    if isinstance(node, ast.Name):
        return node.id == "role"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "role"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == "role"
    return False


def _is_role_member(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"
            and node.attr.isupper())


def _is_role_constant(node: ast.AST, *, strings: bool = True) -> bool:
    """A particular role: "agent" (when strings), Role.AGENT, a collection of those, or a *_ROLES constant."""
    if isinstance(node, ast.Constant):
        return strings and node.value in ROLE_VALUES
    if _is_role_member(node):
        return True
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        return name.endswith("_ROLES")
    if isinstance(node, ast.Set | ast.List | ast.Tuple):
        return any(_is_role_constant(element, strings=strings) for element in node.elts)
    return False


def role_decisions(source: str) -> list[tuple[int, str]]:
    """(line, what) for every role decision in a Python module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if _is_role_member(node):
            found.append((node.lineno, f"names a role: Role.{node.attr}"))
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            refs = [operand for operand in operands if _is_role_ref(operand)]
            # x.role is a person's role: any particular role counts; a bare name or key only against Role/_ROLES.
            strings = any(isinstance(ref, ast.Attribute) for ref in refs)
            if refs and any(_is_role_constant(operand, strings=strings) for operand in operands):
                found.append((node.lineno, f"compares a role: {ast.unparse(node)}"))
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            if node.attr in FLAGS:
                found.append((node.lineno, f"reads Django's {node.attr}"))
            elif node.attr == "groups" and not (isinstance(node.value, ast.Name) and node.value.id == "User"):
                found.append((node.lineno, "reads a user's groups"))
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in PERMISSION_CALLS:
                found.append((node.lineno, f"asks Django's {name}"))
            elif name in QUERY_CALLS:
                for keyword in node.keywords:
                    if keyword.arg and ROLE_KEYWORD.search(keyword.arg) and _is_role_constant(keyword.value):
                        found.append((node.lineno, f"selects people by role: {keyword.arg}="))
    return sorted(set(found))


TEMPLATE_TAG = re.compile(r"{%\s*(?:if|elif|with|for)\b[^%]*%}")
TEMPLATE_DECISION = re.compile(r"\.role\b|\bis_superuser\b|\bis_staff\b|\bperms\.")


def template_decisions(text: str) -> list[tuple[int, str]]:
    found = []
    for match in TEMPLATE_TAG.finditer(text):
        if TEMPLATE_DECISION.search(match.group()):
            found.append((text.count("\n", 0, match.start()) + 1, match.group()))
    return found


def _allowed(relative: str) -> str | None:
    return next((prefix for prefix in ALLOWED if relative == prefix or relative.startswith(prefix)), None)


def _modules():
    for path in sorted(KEFU.rglob("*.py")):
        relative = path.relative_to(KEFU).as_posix()
        if relative.startswith("policy/") or "/migrations/" in relative:
            continue
        yield relative, path


def test_no_role_decision_outside_policy():
    offending, used = [], set()
    for relative, path in _modules():
        decisions = role_decisions(path.read_text(encoding="utf-8"))
        if not decisions:
            continue
        prefix = _allowed(relative)
        if prefix is not None:
            used.add(prefix)
            continue
        offending += [f"kefu/{relative}:{line}: {what}" for line, what in decisions]
    for path in sorted(KEFU.rglob("templates/**/*.html")):
        offending += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in template_decisions(
            path.read_text(encoding="utf-8"))]
    assert offending == [], "decide in kefu/policy/<domain>.py and ask policy here:\n" + "\n".join(offending)
    assert used == set(ALLOWED), f"allow-list entries that match nothing any more: {set(ALLOWED) - used}"


def test_the_engine_allow_list_is_honest():
    """qa_engine's "role" is a conversation turn's speaker: the engine must not know staff accounts."""
    for path in (KEFU / "qa_engine").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not {m for m in modules if m.startswith(("kefu.accounts", "django"))}, path


@pytest.mark.parametrize("source", [
    "if user.role == 'agent': pass",
    "ok = request.user.role in {Role.SUPERVISOR, Role.ADMIN}",
    "ok = role not in (Role.ADMIN, 'qa')",
    "ok = data['role'] in PERSONAL_DATA_ROLES",
    "ok = by.role != 'admin'",
    "ok = data.get('role') in PERSONAL_DATA_ROLES",
    "people = User.objects.filter(is_active=True, role='qa')",
    "people = User.objects.exclude(user__role__in=['agent', 'supervisor'])",
    "ok = user.is_superuser",
    "ok = user.has_perm('tickets.view_ticket')",
    "ok = user.groups.filter(name='qa').exists()",
    "default = {Role.HANDLER: 'handler'}.get(user.role)",
])
def test_the_check_sees_a_role_decision(source):
    assert role_decisions(source), source


@pytest.mark.parametrize("source", [
    "if before['role'] != instance.role: record(old=before['role'], new=instance.role)",
    "if role not in Role.values: raise DomainError('unknown role', field='role')",
    "user.is_staff = user.is_superuser = policy.grants_admin_site(user.role)",
    "staff = selectors.active_staff(role=role, department_id=department_id)",
    "findings = engine.check(text, role=payload.role)",
    "replies = sum(1 for t in turns if t['role'] == 'agent')",
    "if role not in ('agent', 'customer'): raise DomainError('role', field='role')",
    "ok = policy.can_view_ticket(user, ticket)",
    "# a comment about user.role == 'agent'",
    "text = 'user.role == \"agent\"'",
])
def test_the_check_leaves_what_is_no_decision(source):
    assert role_decisions(source) == [], source


def test_the_template_check():
    assert template_decisions("{% if user.role == 'admin' %}x{% endif %}")
    assert template_decisions("<a>{% if user.is_staff %}admin{% endif %}</a>")
    assert template_decisions("{% if perms.tickets.change_ticket %}x{% endif %}")
    assert template_decisions("{{ user.get_role_display }} {% if can_use_admin_site %}x{% endif %}") == []
