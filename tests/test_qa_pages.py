"""QA pages: inspector home, results lists, the conversation page with highlighted findings, review/appeal/
ruling through the forms, file import with its progress, and who may see what."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from kefu.qa.models import Appeal, Conversation, Finding, ImportJob, Inspection
from kefu.qa.review import manual_items
from kefu.qa.services import conversation_submit


def _submit(desk, django_capture_on_commit_callbacks, external_id="p1", agent="agent_a",
            text="这事我不知道哦，你自己去问快递", customer="<script>alert(1)</script>我的快递呢"):
    body = {"external_id": external_id, "channel": "chat", "agent": agent,
            "turns": [{"role": "customer", "text": customer}, {"role": "agent", "text": text}]}
    with django_capture_on_commit_callbacks(execute=True):
        conversation, _created = conversation_submit(by=desk.qa, data=body)
    return Conversation.objects.get(pk=conversation.pk)


@pytest.fixture
def convo(desk, django_capture_on_commit_callbacks):
    return _submit(desk, django_capture_on_commit_callbacks)


def test_inspector_home_shows_counts_queue_and_rule_rates(client, desk, convo):
    client.force_login(desk.qa)
    page = client.get("/qa/").content.decode()
    assert 'data-testid="qa-counts"' in page and 'data-testid="rule-rates"' in page
    assert "FP01" in page and 'data-testid="qa-trend"' in page


def test_agent_home_is_their_own_results(client, desk, convo, django_capture_on_commit_callbacks):
    other = _submit(desk, django_capture_on_commit_callbacks, external_id="p2", agent="agent_b")
    client.force_login(desk.agent)
    response = client.get("/qa/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("/qa/results/")
    assert f"/qa/conversations/{convo.pk}/" in page and f"/qa/conversations/{other.pk}/" not in page
    assert client.get(f"/qa/conversations/{other.pk}/").status_code == 404
    assert client.get("/qa/import/").status_code == 403


def test_conversation_page_highlights_findings_by_severity_and_escapes_text(client, desk, convo):
    client.force_login(desk.qa)
    page = client.get(f"/qa/conversations/{convo.pk}/").content.decode()
    finding = Finding.objects.get(inspection__conversation=convo, rule="FP01")
    pattern = r'<mark class="qa-hit sev-(\w+)[^"]*" data-findings="[^"]*f' + str(finding.pk) + r'\b[^"]*"[^>]*>([^<]*)</mark>'
    mark = re.search(pattern, page)
    assert mark and mark.group(1) == finding.severity and mark.group(2) == finding.evidence
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert escape(finding.message) in page


def test_finding_reason_is_shown_in_the_readers_language(client, desk, convo):
    from kefu.qa_engine import load_pack

    rule = load_pack("default").rule("FP01")
    assert rule.why != rule.why_en and re.search(r"[\u4e00-\u9fff]{6}", rule.why)  # the pack's reason is Chinese
    client.force_login(desk.qa)
    chinese = client.get(f"/qa/conversations/{convo.pk}/").content.decode()
    assert f"依据：{escape(rule.why)}" in chinese and escape(rule.why_en) not in chinese
    client.cookies["django_language"] = "en"
    english = client.get(f"/qa/conversations/{convo.pk}/").content.decode()
    assert escape(rule.why_en) in english and escape(rule.why) not in english


def test_results_list_filters_and_runs_a_fixed_number_of_queries(client, desk, django_capture_on_commit_callbacks):
    for i in range(12):
        _submit(desk, django_capture_on_commit_callbacks, external_id=f"q{i}",
                text="您好，请问有什么可以帮您" if i % 2 else "这个我们不管的")
    client.force_login(desk.qa)
    with CaptureQueriesContext(connection) as few:
        client.get("/qa/results/?page_size=5")
    _submit(desk, django_capture_on_commit_callbacks, external_id="more")
    with CaptureQueriesContext(connection) as more:
        client.get("/qa/results/")
    assert len(more) == len(few)  # no query per row
    page = client.get("/qa/results/?rule=FP02").content.decode()
    hit = Inspection.objects.filter(is_current=True, findings__rule="FP02").distinct().count()
    assert hit >= 6 and page.count("/qa/conversations/") == hit
    assert client.get("/qa/results/?band=excellent&channel=voice").status_code == 200


def test_results_list_pages_by_cursor_without_gaps_or_repeats(client, desk, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    from kefu.qa import views

    for i in range(7):
        _submit(desk, django_capture_on_commit_callbacks, external_id=f"k{i}")
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(desk.qa)
    seen, url, pages = [], "/qa/results/", 0
    while url:
        page = client.get(url).content.decode()
        seen += [int(pk) for pk in re.findall(r'href="/qa/conversations/(\d+)/"', page)]
        nxt = re.search(r'href="\?([^"]*)" data-testid="next-page"', page)
        url = "/qa/results/?" + nxt.group(1).replace("&amp;", "&") if nxt else ""
        pages += 1
    expected = list(Inspection.objects.filter(is_current=True).order_by("-started_at", "-id")
                    .values_list("conversation_id", flat=True))
    assert pages == 3 and seen == expected  # every result once, newest first
    assert "7" in client.get("/qa/results/").content.decode()  # the (exact) count in the re-inspect bar
    assert client.get("/qa/results/?after=not-a-cursor").status_code == 400


def test_review_appeal_and_ruling_through_the_pages(client, desk, convo, django_capture_on_commit_callbacks):
    finding = Finding.objects.get(inspection__conversation=convo, rule="FP01")
    inspection = finding.inspection
    client.force_login(desk.qa)
    client.post(f"/qa/findings/{finding.pk}/review/", {"verdict": "confirmed", "comment": "属实"})
    manual = manual_items(inspection)[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/qa/inspections/{inspection.pk}/review/", {f"manual_{manual}": "-3", "comment": "注意用语"})
    assert Inspection.objects.get(pk=inspection.pk).score == pytest.approx(inspection.score - 3)
    assert desk.agent.notifications.filter(text__contains="复核完成").exists()
    client.force_login(desk.agent)
    page = client.get(f"/qa/conversations/{convo.pk}/").content.decode()
    assert 'data-testid="appeal-form"' in page
    refused = client.post(f"/qa/inspections/{inspection.pk}/appeal/", {"finding": finding.pk, "reason": ""})
    assert refused.status_code == 400
    client.post(f"/qa/inspections/{inspection.pk}/appeal/", {"finding": finding.pk, "reason": "我随后已帮客户查询"})
    appeal = Appeal.objects.get()
    client.force_login(desk.supervisor)
    assert 'data-testid="ruling-form"' in client.get(f"/qa/conversations/{convo.pk}/").content.decode()
    client.post(f"/qa/appeals/{appeal.pk}/ruling/", {"decision": "reject", "comment": "录音属实"})
    assert Appeal.objects.get().state == "reject"
    client.force_login(desk.agent)
    page = client.get(f"/qa/conversations/{convo.pk}/").content.decode()
    assert f'name="finding" value="{finding.pk}"' not in page and "已有最终裁定" in page


def test_import_page_starts_a_job_and_shows_progress(client, desk, settings, tmp_path,
                                                     django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(desk.qa)
    content = ('{"id": "u1", "agent": "agent_a", "turns": [{"role": "agent", "text": "您好"}]}\n'
               'not json\n').encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/qa/import/", {"file": SimpleUploadedFile("x.jsonl", content)})
    job = ImportJob.objects.get()
    assert response.url == f"/qa/import/{job.pk}/"
    page = client.get(response.url).content.decode()
    assert 'data-state="done"' in page and "100%" in page and "not valid JSON" not in page
    partial = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div class="card" id="import-progress"') or 'id="import-progress"' in partial
    assert "<html" not in partial
    assert Conversation.objects.filter(external_id="u1").exists()


def test_reinspect_keeps_old_results_side_by_side(client, desk, convo, monkeypatch,
                                                  django_capture_on_commit_callbacks):
    from kefu.qa import packs
    from kefu.qa_engine import load_pack

    pack = load_pack("default")
    newer = packs.ActivePack("default", "test-2", packs.engine_for("default", pack.version, None),
                             frozenset(), None)
    monkeypatch.setattr(packs, "active_pack", lambda: newer)
    monkeypatch.setattr("kefu.qa.tasks.active_pack", lambda: newer)
    monkeypatch.setattr("kefu.qa.views.active_pack", lambda: newer)
    client.force_login(desk.qa)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/qa/results/reinspect/")
    versions = set(Inspection.objects.filter(conversation=convo).values_list("pack_version", "is_current"))
    assert versions == {(pack.version, False), ("test-2", True)}
    page = client.get(f"/qa/results/?version={pack.version}").content.decode()
    assert f"/qa/conversations/{convo.pk}/" not in page  # lists show current results by default
