"""How results look on the pages: each turn's text with every finding highlighted in place (coloured by
severity, escaped piece by piece), the scorecard by section, and the history facts in the reader's words."""

from __future__ import annotations

from collections import defaultdict

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Finding, QaEvent
from .packs import pack_by_version

SEVERITY_RANK = {"info": 0, "minor": 1, "major": 2, "critical": 3}
SEVERITY_TEXT = {"info": gettext_lazy("提示"), "minor": gettext_lazy("轻微"), "major": gettext_lazy("严重"),
                 "critical": gettext_lazy("致命")}
ROLE_TEXT = {"agent": gettext_lazy("客服"), "customer": gettext_lazy("客户"), "system": gettext_lazy("系统")}
REASON_TEXT = {"fatal": gettext_lazy("致命项"), "low_score": gettext_lazy("低分"), "random": gettext_lazy("随机抽检"),
               "manual": gettext_lazy("主动复核")}


def highlight(text: str, findings: list[Finding]) -> SafeString:
    """The turn's text with <mark> around every finding's span; where spans overlap the most severe
    colours the characters and every finding's id is kept so each can be selected."""
    spans = [f for f in findings if f.end > f.start]
    if not spans:
        return escape(text)
    owner: list[list[Finding]] = [[] for _ in text]
    for finding in spans:
        for i in range(finding.start, min(finding.end, len(text))):
            owner[i].append(finding)
    pieces, i = [], 0
    while i < len(text):
        here = owner[i]
        j = i + 1
        while j < len(text) and owner[j] == here:
            j += 1
        chunk = text[i:j]
        if here:
            top = max(here, key=lambda f: SEVERITY_RANK.get(f.severity, 0))
            ids = " ".join(f"f{f.pk}" for f in here)
            title = "；".join(f"{f.rule} {f.message}" for f in here)
            pieces.append(format_html('<mark class="qa-hit sev-{}{}" data-findings="{}" title="{}">{}</mark>',
                                      top.severity, "" if top.counts else " void", ids, title, chunk))
        else:
            pieces.append(escape(chunk))
        i = j
    return mark_safe("".join(pieces))  # noqa: S308 - every piece above is escaped or format_html


def thread_rows(conversation, findings: list[Finding]) -> list[dict]:
    by_turn: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_turn[finding.turn].append(finding)
    rows = []
    for index, turn in enumerate(conversation.turns):
        here = by_turn.get(index, [])
        rows.append({"index": index, "role": turn.get("role"), "role_label": ROLE_TEXT.get(turn.get("role"), ""),
                     "html": highlight(turn.get("text", ""), here), "time": turn.get("ts") or _seconds(turn),
                     "missing": [f for f in here if f.end <= f.start]})
    return rows


def _seconds(turn: dict) -> str:
    if turn.get("start") is None:
        return ""
    return f"{float(turn['start']):.1f}s"


def scorecard(inspection, manual: dict) -> list[dict]:
    """Every item of the pack version's scorecard: the stored failed ones, the rest passed or manual."""
    stored = {item["code"]: item for item in inspection.items}
    pack = pack_by_version(inspection.pack_name, inspection.pack_version)
    if pack is None:  # a version no longer known here: show what was stored
        rows = [dict(item) for item in inspection.items]
    else:
        rows = [dict(stored.get(item.code) or {"section": item.section, "code": item.code, "title": item.title,
                                               "status": "manual" if item.manual else "pass", "points": 0,
                                               "hits": 0})
                for item in pack.engine.pack.scorecard.items]
    sections: dict[str, list[dict]] = {}
    for row in rows:
        if row.get("status") == "manual":
            row["points"] = manual.get(row["code"], 0)
        sections.setdefault(row["section"], []).append(row)
    return [{"name": name, "items": items} for name, items in sections.items()]


def event_text(event: QaEvent) -> str:
    p = event.params
    texts = {
        "qa.imported": lambda: _("导入会话"),
        "qa.received": lambda: _("通过接口接收会话"),
        "qa.updated": lambda: _("会话内容更新"),
        "qa.inspected": lambda: _("自动质检（规则包 %(pack)s %(version)s）：%(score)s 分，%(n)s 条发现") % {
            "pack": p.get("pack"), "version": p.get("version"), "score": p.get("score"), "n": p.get("findings")},
        "qa.inspection_failed": lambda: _("无法质检：%(message)s") % {"message": p.get("message")},
        "qa.finding_reviewed": lambda: _("复核 %(rule)s：%(verdict)s") % {
            "rule": p.get("rule"), "verdict": _("确认") if p.get("verdict") == "confirmed" else _("驳回")},
        "qa.reviewed": lambda: _("复核完成：%(score)s 分") % {"score": p.get("score")},
        "qa.appealed": lambda: _("客服申诉%(rule)s：%(reason)s") % {
            "rule": f" {p['rule']}" if p.get("rule") else "", "reason": p.get("reason", "")},
        "qa.ruled": lambda: _("主管裁定：%(decision)s，%(score)s 分") % {
            "decision": DECISION_TEXT.get(p.get("decision"), p.get("decision")), "score": p.get("score")},
    }
    maker = texts.get(event.code)
    return maker() if maker else event.code


DECISION_TEXT = {"accept": gettext_lazy("申诉成立"), "partial": gettext_lazy("部分成立"),
                 "reject": gettext_lazy("申诉驳回")}
