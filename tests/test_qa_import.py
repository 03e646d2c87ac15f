"""Importing conversation files: good rows in, bad rows reported by line, re-import updates, resume after a crash."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kefu.qa import imports
from kefu.qa.models import AgentAlias, Conversation, ImportJob, Inspection


def _line(external_id: str, agent: str = "agent_a", text: str = "您好，请问有什么可以帮您", **extra) -> bytes:
    data = {"id": external_id, "agent": agent, "turns": [{"role": "customer", "text": "在吗"},
                                                         {"role": "agent", "text": text}], **extra}
    return json.dumps(data, ensure_ascii=False).encode() + b"\n"


@pytest.fixture
def upload(api_client, desk, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    def send(name: str, content: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.as_user(desk.qa).post_form(
                "/api/v1/qa/imports", {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 202, response.content
        return api_client.as_user(desk.qa).get(f"/api/v1/qa/imports/{response.json()['job']}").json()
    return send


def test_jsonl_import_reports_bad_lines_and_imports_the_rest(upload, desk):
    content = b"".join([
        _line("c1"),
        b"\n",
        b'{"id": "c2", "agent": "agent_a", "turns": [\n',  # not JSON
        _line("c3", agent="nobody"),
        b'{"id": "c4", "agent": "agent_a", "turns": [{"role": "boss", "text": "x"}]}\n',
        _line("c5").replace("在吗".encode(), b"\xff\xfe"),  # not UTF-8
        _line("c6", text="你找我没用"),
    ])
    status = upload("calls.jsonl", content)
    assert status["state"] == "done"
    assert status["total"] == 6 and status["done"] == 6
    lines = {e["line"]: e["message"] for e in status["errors"]}
    assert set(lines) == {3, 4, 5, 6}
    assert "JSON" in lines[3] and "nobody" in lines[4] and "role" in lines[5] and "UTF-8" in lines[6]
    assert set(Conversation.objects.values_list("external_id", flat=True)) == {"c1", "c6"}
    assert Inspection.objects.get(conversation__external_id="c6").findings.filter(rule="FP03").exists()


def test_reimport_updates_and_does_not_duplicate(upload, desk):
    upload("a.jsonl", _line("c1") + _line("c2"))
    status = upload("b.jsonl", _line("c1", text="这事我不知道哦") + _line("c2"))
    assert status["errors"] == []
    assert Conversation.objects.count() == 2
    assert Conversation.objects.get(external_id="c1").turns[1]["text"] == "这事我不知道哦"
    assert Inspection.objects.filter(conversation__external_id="c1").count() == 2
    assert Inspection.objects.filter(conversation__external_id="c2").count() == 1  # unchanged: not again
    assert Inspection.objects.filter(conversation__external_id="c1", is_current=True).count() == 1


def test_csv_one_turn_per_row_with_chinese_headers_and_staff_number(upload, desk):
    AgentAlias.objects.create(user=desk.other_agent, code="8001")
    rows = ["会话编号,渠道,客服,开始时间,角色,内容",
            "k1,在线,agent_a,2026-12-01T10:00:00+08:00,客户,你好，我的订单怎么还没发货",
            "k1,在线,agent_a,,客服,您好，这边马上帮您查一下",
            "k2,在线,8001,,客户,在吗",
            "k2,在线,8001,,老板,我来说两句",
            "k3,在线,agent_a,,客户,在吗",
            "k3,在线,agent_a,,客服,你找我没用"]
    status = upload("calls.csv", "\n".join(rows).encode("utf-8"))
    assert [e["line"] for e in status["errors"]] == [5]
    k1 = Conversation.objects.get(external_id="k1")
    assert [t["role"] for t in k1.turns] == ["customer", "agent"]
    assert k1.started_at.isoformat().startswith("2026-12-01T02:00")
    assert set(Conversation.objects.values_list("external_id", flat=True)) == {"k1", "k3"}


def test_xlsx_import(upload, desk):
    book = Workbook()
    sheet = book.active
    sheet.append(["external_id", "channel", "agent", "role", "text", "start", "end"])
    sheet.append(["v1", "voice", "agent_a", "agent", "您好，很高兴为您服务", 0, 3])
    sheet.append(["v1", "voice", "agent_a", "customer", "我要投诉", 3.5, 5])
    sheet.append(["v2", "voice", "agent_a", "agent", "您好", "soon", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    status = upload("calls.xlsx", buffer.getvalue())
    assert status["state"] == "done"
    assert [e["line"] for e in status["errors"]] == [4]
    assert Conversation.objects.get(external_id="v1").channel == "voice"


def test_unsupported_file_is_refused(api_client, desk):
    response = api_client.as_user(desk.qa).post_form("/api/v1/qa/imports",
                                                     {"file": SimpleUploadedFile("x.txt", b"hello")})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"
    agent = api_client.as_user(desk.agent).post_form("/api/v1/qa/imports",
                                                     {"file": SimpleUploadedFile("x.jsonl", _line("c1"))})
    assert agent.status_code == 403


def test_import_resumes_after_a_crash_and_inspects_each_conversation_once(desk, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(imports, "CHUNK", 3)
    content = b"".join(_line(f"r{i}") for i in range(10))
    job = ImportJob.objects.create(file=SimpleUploadedFile("r.jsonl", content), filename="r.jsonl", kind="jsonl",
                                   created_by=desk.qa)
    real_chunk = imports._import_chunk
    calls = {"n": 0}

    def dying_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")  # mid-import: the third chunk never commits
        return real_chunk(*args, **kwargs)

    monkeypatch.setattr(imports, "_import_chunk", dying_chunk)
    with pytest.raises(SystemExit):
        imports.import_run(job.pk)
    job.refresh_from_db()
    assert job.state == "running" and job.done == 6 and job.position == 6
    monkeypatch.setattr(imports, "_import_chunk", real_chunk)
    imports.import_run(job.pk)  # the job is delivered again
    job.refresh_from_db()
    assert job.state == "done" and job.done == 10 and job.total == 10
    assert Conversation.objects.count() == 10
    assert Inspection.objects.count() == 10
    imports.import_run(job.pk)  # and once more after it finished: nothing changes
    assert Inspection.objects.count() == 10


def test_a_big_import_refreshes_the_planner_statistics_on_postgresql(upload, desk, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(imports, "ANALYZE_AFTER", 2)
    with CaptureQueriesContext(connection) as big:
        assert upload("big.jsonl", _line("a1") + _line("a2"))["state"] == "done"
    monkeypatch.setattr(imports, "ANALYZE_AFTER", 3)
    with CaptureQueriesContext(connection) as small:
        assert upload("small.jsonl", _line("b1") + _line("b2"))["state"] == "done"
    analysed = [q["sql"] for q in big.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert len(analysed) == 4 and any("qa_finding" in sql for sql in analysed)
    else:
        assert analysed == []  # SQLite keeps no statistics unless asked; nothing to refresh
    assert not [q for q in small.captured_queries if q["sql"].startswith("ANALYZE")]
