"""Rule management (规则管理): copy a pack into a draft, edit rules and the scorecard with validation, try
the draft on text or a stored conversation, publish it as a new version once every rule example passes.

A draft is a PackVersion in state "draft"; every save is checked by the engine's own loader
(load_pack_data) so an invalid pack is refused with the rule and field named, never stored. Published
versions are never edited: results keep pointing at the rules that produced them.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.utils import timezone

import kefu.qa_engine
from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import Conflict, DomainError
from kefu.qa_engine import Engine, InputError, PackError, Result, load_pack_data

from .inspect import engine_input
from .models import Conversation, PackState, PackVersion
from .packs import default_realtime, latest_published

# The bundled pack's file, as docs/qa-engine.md names it: the starting point an admin copies.
BUNDLED = Path(kefu.qa_engine.__file__).parent / "packs" / "default.yaml"
FIXED = ("code", "kind", "category", "roles", "channels", "examples")  # what the rule form does not edit
SEVERITIES = ("info", "minor", "major", "critical")
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")


def bundled_data() -> dict:
    return yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))


def _guard(by: User) -> None:
    policy.require(policy.can_manage_rules(by), "只有质检员或管理员可以管理质检规则")


def _editable(draft: PackVersion) -> PackVersion:
    fresh = PackVersion.objects.select_for_update().get(pk=draft.pk)
    if fresh.state != PackState.DRAFT:
        raise Conflict("已发布的版本不能修改，请复制为新草稿", field="state", code="published")
    return fresh


def validate(data: Any) -> Engine:
    """The engine's loader decides; its message names the rule and the field."""
    try:
        return Engine(load_pack_data(data))
    except PackError as exc:
        raise DomainError(f"规则包无效：{exc}", field=_field_of(str(exc))) from exc


def _field_of(message: str) -> str:
    match = re.search(r"field '([^']+)'", message)
    return match.group(1) if match else "pack"


@transaction.atomic
def pack_copy(*, by: User, source: PackVersion | None = None) -> PackVersion:
    """A new draft from a published version (or the newest one, or the bundled default)."""
    _guard(by)
    source = source or latest_published()
    data = copy.deepcopy(source.data) if source else bundled_data()
    realtime = list(source.realtime_rules) if source and source.realtime_rules else \
        default_realtime(validate(data).pack)
    base = str(data.get("version", "1"))
    for n in range(1, 1000):
        version = f"{base}-draft{n}"
        if not PackVersion.objects.filter(name=data["name"], version=version).exists():
            break
    data["version"] = version
    return PackVersion.objects.create(name=data["name"], version=version, data=data, realtime_rules=realtime,
                                      created_by=by, note=f"copy of {source or 'bundled default'}"[:200])


@transaction.atomic
def pack_save(*, by: User, draft: PackVersion, data: Any) -> PackVersion:
    _guard(by)
    draft = _editable(draft)
    if not isinstance(data, dict):
        raise DomainError("规则包必须是一个映射（name、version、rules、scorecard）", field="pack")
    data = {**data, "name": draft.name, "version": draft.version}
    engine = validate(data)
    draft.data = data
    codes = {rule.code for rule in engine.pack.rules}
    draft.realtime_rules = [code for code in draft.realtime_rules if code in codes]
    draft.save(update_fields=["data", "realtime_rules"])
    return draft


def pack_save_yaml(*, by: User, draft: PackVersion, text: str) -> PackVersion:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DomainError(f"不是有效的 YAML：{exc}", field="yaml") from exc
    return pack_save(by=by, draft=draft, data=data)


def rule_of(data: dict, code: str) -> dict:
    for rule in data.get("rules", []):
        if rule.get("code") == code:
            return rule
    raise DomainError(f"没有规则 {code}", field="code")


def field_kind(value: Any) -> str:
    """How a rule field is edited on the form: lines of text, a number, a switch, or a JSON value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "lines"
    return "json"


def field_text(value: Any) -> str:
    kind = field_kind(value)
    if kind == "lines":
        return "\n".join(value)
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, indent=1)
    return "" if value is None else str(value)


def _parse_field(key: str, kind: str, raw: str | None) -> Any:
    raw = raw or ""
    if kind == "bool":
        return raw in ("on", "true", "1")
    if kind == "number":
        try:
            number = float(raw)
        except ValueError:
            raise DomainError(f"{key} 必须是数字", field=key) from None
        return int(number) if number.is_integer() else number
    if kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if kind == "json":
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DomainError(f"{key} 不是有效的 JSON：{exc.msg}", field=key) from None
    return raw.strip()


@transaction.atomic
def rule_update(*, by: User, draft: PackVersion, code: str, form: dict[str, str], realtime: bool) -> PackVersion:
    """Edits one rule from the form: each existing field in its own shape, text examples as lines (whole-
    conversation examples are kept as they are), the real-time flag."""
    _guard(by)
    draft = _editable(draft)
    data = copy.deepcopy(draft.data)
    rule = rule_of(data, code)
    for key, value in list(rule.items()):
        if key in FIXED:
            continue
        kind = field_kind(value)
        # An unticked checkbox sends nothing: a switch changes only when the form said it carried it.
        if key not in form and not (kind == "bool" and f"{key}__shown" in form):
            continue
        rule[key] = _parse_field(key, kind, form.get(key))
    if rule.get("severity") not in SEVERITIES:
        raise DomainError("severity 取值无效", field="severity")
    examples = rule.setdefault("examples", {})
    for side in ("hit", "miss"):
        if f"examples_{side}" in form:
            kept = [e for e in examples.get(side) or [] if not isinstance(e, str)]
            examples[side] = _parse_field(side, "lines", form[f"examples_{side}"]) + kept
    draft = pack_save(by=by, draft=draft, data=data)
    realtime_set = set(draft.realtime_rules) - {code} | ({code} if realtime else set())
    draft.realtime_rules = sorted(realtime_set)
    draft.save(update_fields=["realtime_rules"])
    return draft


@transaction.atomic
def scorecard_update(*, by: User, draft: PackVersion, form: dict[str, str]) -> PackVersion:
    """Points of each scorecard item: deduct, max, add, and the fatal switch."""
    _guard(by)
    draft = _editable(draft)
    data = copy.deepcopy(draft.data)
    for section in data.get("scorecard", {}).get("sections", []):
        for item in section.get("items", []):
            code = item.get("code")
            if item.get("manual"):
                continue
            for key in ("deduct", "max", "add"):
                raw = form.get(f"{code}.{key}", "").strip()
                if raw:
                    item[key] = _parse_field(f"{code}.{key}", "number", raw)
                else:
                    item.pop(key, None)
            item["fatal"] = form.get(f"{code}.fatal") in ("on", "true", "1")
            if not item["fatal"]:
                item.pop("fatal")
    return pack_save(by=by, draft=draft, data=data)


def pack_try(*, by: User, version: PackVersion, text: str = "", role: str = "agent",
             conversation: Conversation | None = None) -> Result | list:
    """The try-it box: findings of the version's rules on a text, or the result on a stored conversation."""
    _guard(by)
    engine = validate(version.data)
    if conversation is not None:
        if not policy.can_view_conversation(by, conversation):
            raise DomainError("会话不存在或无权查看", field="conversation")
        return engine.inspect(engine_input(conversation))
    if role not in ("agent", "customer"):
        raise DomainError("role 只能是 agent 或 customer", field="role")
    try:
        return engine.check(text, role=role)
    except (InputError, ValueError) as exc:
        raise DomainError(str(exc), field="text") from exc


def failing_examples(data: dict) -> list[str]:
    return validate(data).failing_examples()


@transaction.atomic
def pack_publish(*, by: User, draft: PackVersion, version: str) -> PackVersion:
    """Every rule's examples must behave as declared; then the draft becomes the active version."""
    _guard(by)
    draft = _editable(draft)
    version = (version or "").strip()
    if not VERSION.match(version):
        raise DomainError("版本号只能包含字母、数字、点、横线和下划线（最多 40 个字符）", field="version")
    if version == str(bundled_data().get("version")) and draft.name == bundled_data().get("name"):
        raise Conflict("该版本号是内置规则包的版本，请换一个", field="version", code="duplicate")
    failures = failing_examples({**draft.data, "version": version})
    if failures:
        shown = "；".join(failures[:10])
        more = f"（另有 {len(failures) - 10} 条）" if len(failures) > 10 else ""
        raise DomainError(f"有 {len(failures)} 条规则示例未通过，不能发布：{shown}{more}", field="examples")
    draft.version, draft.data = version, {**draft.data, "version": version}
    draft.state, draft.published_at = PackState.PUBLISHED, timezone.now()
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        raise Conflict(f"版本 {version} 已存在", field="version", code="duplicate") from None
    return draft
