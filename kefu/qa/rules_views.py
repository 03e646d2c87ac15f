"""Rule management and QA settings pages: versions, the draft editor (rules, scorecard, whole-pack YAML),
the try-it box, publishing, and the sampling/appeal settings."""

from __future__ import annotations

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.core.errors import DomainError

from . import rules
from .models import Conversation, PackState, PackVersion, QaSettings
from .packs import active_pack
from .presenters import SEVERITY_TEXT
from .sampling import qa_settings


def _manager(request: HttpRequest) -> None:
    policy.require(policy.can_manage_rules(request.user), "只有质检员或管理员可以管理质检规则")


def _version(pk: int) -> PackVersion:
    version = PackVersion.objects.filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


@login_required
def rule_versions(request: HttpRequest) -> HttpResponse:
    _manager(request)
    if request.method == "POST":
        source = _version(int(request.POST["source"])) if request.POST.get("source", "").isdigit() else None
        draft = rules.pack_copy(by=request.user, source=source)
        messages.success(request, _("已复制为草稿 %(version)s") % {"version": draft.version})
        return redirect("qa:rule_version", pk=draft.pk)
    return render(request, "qa/rule_versions.html", {
        "versions": PackVersion.objects.select_related("created_by").order_by("state", "-published_at", "-id"),
        "active": active_pack()})


def _rules_of(version: PackVersion) -> list[dict]:
    realtime = set(version.realtime_rules)
    rows = []
    for rule in version.data.get("rules", []):
        examples = rule.get("examples") or {}
        rows.append({"code": rule.get("code"), "title": rule.get("title"), "kind": rule.get("kind"),
                     "severity": rule.get("severity"), "severity_label": SEVERITY_TEXT.get(rule.get("severity"), ""),
                     "realtime": rule.get("code") in realtime, "hits": len(examples.get("hit") or []),
                     "misses": len(examples.get("miss") or [])})
    return rows


def _scorecard_of(version: PackVersion) -> list[dict]:
    return [{"name": s.get("name"), "items": s.get("items", [])}
            for s in version.data.get("scorecard", {}).get("sections", [])]


@login_required
def rule_version(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    version = _version(pk)
    context = {"version": version, "draft": version.state == PackState.DRAFT, "rules": _rules_of(version),
               "scorecard": _scorecard_of(version), "try": None, "try_text": "", "try_role": "agent",
               "try_conversation": "", "failures": None}
    if request.method == "POST" and "try" in request.POST:
        context.update(_try(request, version))
    elif request.GET.get("check") == "1":
        context["failures"] = rules.failing_examples(version.data)
    return render(request, "qa/rule_version.html", context)


def _try(request: HttpRequest, version: PackVersion) -> dict:
    text, role = request.POST.get("text", ""), request.POST.get("role", "agent")
    ref = request.POST.get("conversation", "").strip()
    conversation = None
    if ref:
        conversation = (Conversation.objects.filter(external_id=ref).first()
                        or (Conversation.objects.filter(pk=int(ref)).first() if ref.isdigit() else None))
        if conversation is None:
            raise DomainError(_("没有找到会话 %(ref)s") % {"ref": ref}, field="conversation")
    result = rules.pack_try(by=request.user, version=version, text=text, role=role, conversation=conversation)
    if conversation is not None:
        findings = [{"f": f, "turn_text": conversation.turns[f.turn].get("text", "")} for f in result.findings]
        return {"try": {"score": result.score, "findings": findings, "conversation": conversation},
                "try_conversation": ref}
    return {"try": {"findings": [{"f": f, "turn_text": text} for f in result]}, "try_text": text, "try_role": role}


@login_required
def rule_edit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    _manager(request)
    version = _version(pk)
    rule = rules.rule_of(version.data, code)
    if request.method == "POST":
        rules.rule_update(by=request.user, draft=version, code=code, form=request.POST.dict(),
                          realtime=request.POST.get("realtime") == "on")
        messages.success(request, _("规则 %(code)s 已保存（已通过校验）") % {"code": code})
        return redirect("qa:rule_version", pk=version.pk)
    fields = [{"key": key, "kind": rules.field_kind(value), "text": rules.field_text(value), "value": value}
              for key, value in rule.items() if key not in rules.FIXED]
    examples = rule.get("examples") or {}
    return render(request, "qa/rule_edit.html", {
        "version": version, "draft": version.state == PackState.DRAFT, "rule": rule, "fields": fields,
        "severities": rules.SEVERITIES, "realtime": code in version.realtime_rules,
        "hit": "\n".join(e for e in examples.get("hit") or [] if isinstance(e, str)),
        "miss": "\n".join(e for e in examples.get("miss") or [] if isinstance(e, str)),
        "conversations": sum(1 for side in ("hit", "miss") for e in examples.get(side) or [] if not isinstance(e, str)),
    })


@login_required
@require_POST
def rule_scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    rules.scorecard_update(by=request.user, draft=_version(pk), form=request.POST.dict())
    messages.success(request, _("评分表已保存"))
    return redirect("qa:rule_version", pk=pk)


@login_required
def rule_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    version = _version(pk)
    if request.method == "POST":
        rules.pack_save_yaml(by=request.user, draft=version, text=request.POST.get("yaml", ""))
        messages.success(request, _("规则包已保存（已通过校验）"))
        return redirect("qa:rule_version", pk=pk)
    text = yaml.safe_dump(version.data, allow_unicode=True, sort_keys=False, width=120)
    if request.GET.get("download"):
        response = HttpResponse(text, content_type="application/x-yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{version.name}-{version.version}.yaml"'
        return response
    return render(request, "qa/rule_yaml.html", {"version": version, "text": text,
                                                 "draft": version.state == PackState.DRAFT})


@login_required
@require_POST
def rule_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    version = rules.pack_publish(by=request.user, draft=_version(pk), version=request.POST.get("version", ""))
    messages.success(request, _("已发布 %(version)s：新的质检将使用此版本") % {"version": version.version})
    return redirect("qa:rule_version", pk=pk)


@login_required
def qa_settings_page(request: HttpRequest) -> HttpResponse:
    policy.require(policy.can_edit_qa_settings(request.user), "您没有权限修改质检设置")
    config = qa_settings()
    fields = [f for f in QaSettings._meta.fields if f.name != "id"]
    if request.method == "POST":
        for field in fields:
            raw = request.POST.get(field.name, "")
            if field.get_internal_type() == "BooleanField":
                setattr(config, field.name, raw == "on")
                continue
            try:
                value = float(raw)
            except ValueError:
                raise DomainError(_("%(label)s 必须是数字") % {"label": field.verbose_name}, field=field.name) from None
            if value < 0 or (field.name == "sample_percent" and value > 100):
                raise DomainError(_("%(label)s 超出范围") % {"label": field.verbose_name}, field=field.name)
            setattr(config, field.name, int(value) if field.get_internal_type().startswith("Positive") else value)
        config.save()
        messages.success(request, _("质检设置已保存"))
        return redirect("qa:settings")
    rows = [{"name": f.name, "label": f.verbose_name, "value": getattr(config, f.name),
             "bool": f.get_internal_type() == "BooleanField"} for f in fields]
    return render(request, "qa/settings.html", {"rows": rows})
