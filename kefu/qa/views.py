"""QA pages: the inspector's home, results lists, the conversation page with its review and appeal forms,
the appeals list, file import with its progress bar, and re-inspection of a range."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import Team
from kefu.core.errors import DomainError
from kefu.core.keyset import Key, capped_count, keyset_page
from kefu.jobs import enqueue

from . import dashboard, review, selectors
from .imports import example_csv, import_start, import_status
from .models import Appeal, AppealState, Channel, ImportJob, QaEvent, Verdict
from .packs import active_pack
from .presenters import DECISION_TEXT, REASON_TEXT, SEVERITY_TEXT, event_text, scorecard, thread_rows

PAGE_SIZE = 50
REINSPECT_LIMIT = 200_000
# The results list pages by keyset (the rows after the last one seen, on the is_current/started_at/id
# index): any page of 100,000 results costs the same, and the count stops counting at COUNT_CAP.
RESULT_KEYS = [Key("started_at", descending=True), Key("id", descending=True)]
# Counting stops here ("more than 1,000"): counting 10,000 joined rows alone cost 150 ms on a loaded machine.
LIST_COUNT_CAP = 1000
FILTERS = ("agent", "team", "rule", "band", "channel", "start", "end", "version", "fatal")
BAND_TEXT = {"fail": gettext_lazy("不及格（<60）"), "pass": "60–79", "good": "80–89", "excellent": "90–100"}


def _need(allowed: bool) -> None:
    policy.require(allowed, "您没有权限查看此页面")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _need(policy.can_use_qa(request.user))
    if not policy.can_inspect(request.user):
        return redirect("qa:results")
    context = {"counts": dashboard.counts(request.user), "queue": selectors.review_queue(request.user)[:15],
               "rules": dashboard.rule_hit_rates(request.user)[:15], "rate_sample": dashboard.RATE_SAMPLE, "trend": dashboard.score_trend(request.user),
               "reasons": REASON_TEXT, "pack": active_pack(),
               "can_manage_rules": policy.can_manage_rules(request.user)}
    return render(request, "qa/home.html", context)


def _date(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("日期格式应为 YYYY-MM-DD"), field=field) from None


def _results(request: HttpRequest):
    f = {key: request.GET.get(key, "").strip() for key in FILTERS}
    team = int(f["team"]) if f["team"].isdigit() else None
    fatal = {"1": True, "0": False}.get(f["fatal"])
    qs = selectors.results(request.user, agent=f["agent"], team=team, rule=f["rule"], band=f["band"],
                           channel=f["channel"], start=_date(f["start"], "start"), end=_date(f["end"], "end"),
                           fatal=fatal, version=f["version"])
    return qs, f


@login_required
def results(request: HttpRequest) -> HttpResponse:
    _need(policy.can_use_qa(request.user))
    qs, f = _results(request)
    after = request.GET.get("after", "").strip()
    rows, next_cursor = keyset_page(qs, RESULT_KEYS, after or None, PAGE_SIZE)
    count, exact = capped_count(qs, cap=LIST_COUNT_CAP)
    inspector = policy.can_inspect(request.user)
    context = {
        "rows": rows, "next_cursor": next_cursor, "after": after, "count": count if exact else LIST_COUNT_CAP, "count_exact": exact,
        "filters": f, "bands": BAND_TEXT, "channels": Channel.choices, "inspector": inspector,
        "agents": policy.inspected_agents(request.user).order_by("username") if inspector else [],
        "teams": Team.objects.select_related("department") if inspector else [],
        "can_reinspect": policy.can_reinspect(request.user), "pack": active_pack(),
    }
    return render(request, "qa/results.html", context)


@login_required
@require_POST
def reinspect(request: HttpRequest) -> HttpResponse:
    policy.require(policy.can_reinspect(request.user), "只有质检员或管理员可以重新质检")
    qs, f = _results(request)
    ids = list(qs.values_list("conversation_id", flat=True)[:REINSPECT_LIMIT])
    if ids:
        enqueue("qa.reinspect", {"conversations": ids})
    pack = active_pack()
    messages.success(request, _("已安排用 %(pack)s %(version)s 重新质检 %(n)s 个会话；旧结果保留，可按版本筛选对比。")
                     % {"pack": pack.name, "version": pack.version, "n": len(ids)})
    return redirect(reverse("qa:results") + "?" + request.GET.urlencode())


@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    conv = selectors.conversation_get(request.user, pk)
    inspection = selectors.current_inspection(conv)
    pairs = selectors.inspection_findings(inspection) if inspection else []
    findings = [f for f, _a in pairs]
    user = request.user
    rows = []
    pack = selectors.pack_of(inspection) if inspection else None  # once, not per finding
    language = get_language() or "zh-hans"
    for finding, appeal in pairs:
        rule = _rule(pack, finding.rule)
        rows.append({"f": finding, "appeal": appeal, "severity": SEVERITY_TEXT.get(finding.severity, ""),
                     "refusal": review.appeal_refusal(inspection, finding) if policy.can_appeal(user, inspection)
                     else None,
                     "rule": rule, "reason": rule.reason(language) if rule else ""})
    appeals = list(Appeal.objects.filter(inspection=inspection).select_related("finding", "agent", "ruled_by")) \
        if inspection else []
    manual = inspection.review.manual_scores if inspection and hasattr(inspection, "review") else {}
    context = {
        "conv": conv, "inspection": inspection, "thread": thread_rows(conv, findings), "rows": rows,
        "scorecard": scorecard(inspection, manual) if inspection else [],
        "review": getattr(inspection, "review", None) if inspection else None,
        "can_review": bool(inspection) and policy.can_review(user, inspection),
        "can_appeal": bool(inspection) and policy.can_appeal(user, inspection),
        "score_refusal": review.appeal_refusal(inspection, None) if inspection else None,
        "deadline": review.appeal_deadline(inspection) if inspection and inspection.agent_id else None,
        "appeals": [{"a": a, "can_rule": a.state == AppealState.OPEN and policy.can_rule_appeal(user, a),
                     "decision": DECISION_TEXT.get(a.state, "")} for a in appeals],
        "events": [(e, event_text(e)) for e in QaEvent.objects.filter(conversation=conv).select_related("actor")],
        "older": conv.inspections.filter(is_current=False).order_by("-created_at")[:10],
        "verdicts": Verdict,
    }
    return render(request, "qa/conversation.html", context)


def _rule(pack, code: str):
    if pack is None:
        return None
    try:
        return pack.engine.pack.rule(code)
    except KeyError:
        return None


def _back(pk: int) -> HttpResponse:
    return redirect("qa:conversation", pk=pk)


@login_required
@require_POST
def finding_review(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(request.user, pk)
    review.finding_review(finding=finding, by=request.user, verdict=request.POST.get("verdict", ""),
                          comment=request.POST.get("comment", ""))
    return redirect(reverse("qa:conversation", args=[finding.inspection.conversation_id]) + f"#f{pk}")


@login_required
@require_POST
def review_done(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(request.user, pk)
    scores = {key[7:]: value for key, value in request.POST.items() if key.startswith("manual_") and value}
    review.review_complete(inspection=inspection, by=request.user, manual_scores=scores,
                           comment=request.POST.get("comment", ""))
    messages.success(request, _("复核已完成，客服已收到通知"))
    return _back(inspection.conversation_id)


@login_required
@require_POST
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(request.user, pk)
    finding_id = request.POST.get("finding")
    finding = selectors.finding_get(request.user, int(finding_id)) if finding_id and finding_id.isdigit() else None
    if finding is not None and finding.inspection_id != inspection.pk:
        raise Http404
    review.appeal_create(inspection=inspection, finding=finding, by=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("申诉已提交，主管裁定后会通知您"))
    return _back(inspection.conversation_id)


@login_required
@require_POST
def ruling(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.appeal_get(request.user, pk)
    review.appeal_rule(appeal=item, by=request.user, decision=request.POST.get("decision", ""),
                       comment=request.POST.get("comment", ""))
    messages.success(request, _("裁定已保存，结果已锁定"))
    return _back(item.inspection.conversation_id)


@login_required
def appeals(request: HttpRequest) -> HttpResponse:
    _need(policy.can_use_qa(request.user))
    state = request.GET.get("state", "open")
    qs = Appeal.objects.filter(policy.qa_scope(request.user, "inspection__agent")).select_related(
        "inspection__conversation", "finding", "agent", "ruled_by")
    if state in AppealState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "qa/appeals.html", {"page": page, "state": state, "states": AppealState.choices})


# ---- import -----------------------------------------------------------------------------------------

@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    policy.require(policy.can_import_conversations(request.user), "只有质检员、主管或管理员可以导入会话")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的文件"))
            return redirect("qa:import")
        job = import_start(by=request.user, upload=upload)
        return redirect("qa:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).order_by("-created_at")[:10]
    return render(request, "qa/import.html", {"jobs": jobs})


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = ImportJob.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:
        raise Http404
    status = import_status(job)
    percent = int(job.done * 100 / job.total) if job.total else (100 if job.state == "done" else 0)
    context = {"job": job, "status": status, "percent": percent, "finished": job.state in ("done", "failed")}
    template = "qa/_import_progress.html" if request.headers.get("HX-Request") else "qa/import_job.html"
    return render(request, template, context)


@login_required
def import_example(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(example_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="qa-import-example.csv"'
    return response
