"""Importing conversations from a file (JSON lines in the engine's format, or CSV/XLSX with one turn a row)
as background work, in chunks.

Each chunk is one transaction: its conversations are upserted by external id, inspected, and the job's
``position`` (the last file line consumed) and counters advance with them. A worker that dies mid-chunk
rolls the chunk back; the next run skips every line up to ``position`` and redoes only that chunk, so
nothing is lost and each conversation is inspected once. A bad row is reported with its line number and
skipped; the rest is imported.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from openpyxl import load_workbook

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import DomainError
from kefu.jobs import enqueue

from . import bulk
from .inspect import conversation_digest, inspect_conversations
from .models import (
    Conversation,
    Finding,
    ImportJob,
    ImportState,
    Inspection,
    InspectionState,
    QaEvent,
    Review,
    Source,
    Trigger,
)
from .packs import active_pack
from .records import AgentDirectory, Record, clean_record

CHUNK = 1000
NEW_FIELDS = ("external_id", "source", "channel", "agent", "customer", "ticket", "started_at", "turns", "digest",
              "meta", "inspection_state", "created_at", "updated_at")
MAX_ERRORS = 1000  # reported in full up to here; beyond it only counted (the file is obviously wrong)
KINDS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}
# Column names accepted in CSV/XLSX headers (English as in the API, or Chinese), and their field.
COLUMNS = {
    "external_id": "external_id", "id": "external_id", "conversation_id": "external_id", "会话编号": "external_id",
    "channel": "channel", "渠道": "channel", "agent": "agent", "客服": "agent", "工号": "agent",
    "customer_id": "customer_id", "客户编号": "customer_id", "ticket": "ticket", "工单号": "ticket",
    "started_at": "started_at", "开始时间": "started_at", "role": "role", "角色": "role", "text": "text",
    "内容": "text", "start": "start", "开始秒": "start", "end": "end", "结束秒": "end", "ts": "ts", "时间": "ts",
}
ROLE_WORDS = {"客服": "agent", "坐席": "agent", "客户": "customer", "用户": "customer", "系统": "system"}
CHANNEL_WORDS = {"在线": "chat", "聊天": "chat", "电话": "voice", "通话": "voice", "phone": "voice"}


class Group:
    """One conversation read from the file: its first and last line, and its data or the error."""

    __slots__ = ("first", "last", "data", "error")

    def __init__(self, first: int, last: int, data: dict | None = None, error: str | None = None) -> None:
        self.first, self.last, self.data, self.error = first, last, data, error


# ---- starting --------------------------------------------------------------------------------------

@transaction.atomic
def import_start(*, by: User, upload: UploadedFile) -> ImportJob:
    policy.require(policy.can_import_conversations(by), "只有质检员、主管或管理员可以导入会话")
    kind = KINDS.get(Path(upload.name or "").suffix.lower())
    if kind is None:
        raise DomainError("只支持 .jsonl、.csv 或 .xlsx 文件", field="file")
    limit = settings.KEFU_QA_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise DomainError(f"文件超过 {limit // (1024 * 1024)} MB 的上限", field="file")
    job = ImportJob.objects.create(file=upload, filename=(upload.name or "")[:200], kind=kind, created_by=by)
    enqueue("qa.import", {"job": job.pk}, key=f"qa.import:{job.pk}")
    return job


# ---- reading ---------------------------------------------------------------------------------------

def read_groups(job: ImportJob) -> Iterator[Group]:
    path = job.file.path
    if job.kind == "jsonl":
        yield from _jsonl_groups(path)
    elif job.kind == "csv":
        yield from _row_groups(_csv_rows(path))
    else:
        yield from _row_groups(_xlsx_rows(path))


def _jsonl_groups(path: str) -> Iterator[Group]:
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield Group(number, number, error=f"不是 UTF-8 编码（第 {exc.start} 字节）")
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Group(number, number, error=f"不是有效的 JSON：{exc.msg}（第 {exc.colno} 列）")
                continue
            yield Group(number, number, data=data)


def _csv_rows(path: str) -> Iterator[tuple[int, list[str] | str]]:
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as stream:
        reader = csv.reader(stream)
        for row in reader:
            line = reader.line_num
            if any(_has_surrogate(cell) for cell in row):
                yield line, "不是 UTF-8 编码"
            else:
                yield line, row


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _xlsx_rows(path: str) -> Iterator[tuple[int, list[str] | str]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        yield 1, f"不是有效的 XLSX 文件：{exc.__class__.__name__}"
        return
    sheet = book.worksheets[0]
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, ["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v)) for v in values]
    book.close()


def _row_groups(rows: Iterator[tuple[int, list[str] | str]]) -> Iterator[Group]:
    """Consecutive rows with the same external id are one conversation (its turns in order)."""
    header: dict[int, str] | None = None
    current: Group | None = None
    for line, row in rows:
        if header is None:
            if isinstance(row, str):
                yield Group(line, line, error=f"表头：{row}")
                return
            header = _header(row)
            if "external_id" not in header.values() or "text" not in header.values():
                yield Group(line, line, error="表头需要 external_id（会话编号）、role（角色）和 text（内容）列")
                return
            continue
        if isinstance(row, str):
            if current is not None:
                yield current
                current = None
            yield Group(line, line, error=row)
            continue
        cells = {field: row[i].strip() if i < len(row) and isinstance(row[i], str) else ""
                 for i, field in header.items()}
        if not any(cells.values()):
            continue
        key = cells.get("external_id", "")
        if current is not None and current.data is not None and current.data.get("external_id") == key:
            current.data["turns"].append(_row_turn(cells, line))
            current.last = line
            continue
        if current is not None:
            yield current
        current = Group(line, line, data=_row_conversation(cells, line))
    if current is not None:
        yield current


def _header(row: list[str]) -> dict[int, str]:
    return {i: COLUMNS[name.strip().lower() if name.strip().lower() in COLUMNS else name.strip()]
            for i, name in enumerate(row) if isinstance(name, str)
            and (name.strip().lower() in COLUMNS or name.strip() in COLUMNS)}


def _row_conversation(cells: dict[str, str], line: int) -> dict:
    data: dict[str, Any] = {"external_id": cells.get("external_id", ""), "agent": cells.get("agent", ""),
                            "turns": [_row_turn(cells, line)]}
    channel = cells.get("channel", "")
    if channel:
        data["channel"] = CHANNEL_WORDS.get(channel, channel)
    for key in ("customer_id", "ticket", "started_at"):
        if cells.get(key):
            data[key] = cells[key]
    return data


def _row_turn(cells: dict[str, str], line: int) -> dict:
    role = cells.get("role", "")
    turn: dict[str, Any] = {"role": ROLE_WORDS.get(role, role.lower()), "text": cells.get("text", ""), "_line": line}
    for key in ("start", "end"):
        if cells.get(key):
            try:
                turn[key] = float(cells[key])
            except ValueError:
                turn[key] = cells[key]  # the engine names the field and the value
    if cells.get("ts"):
        turn["ts"] = cells["ts"]
    return turn


def _line_of(group: Group, message: str) -> int:
    """A bad turn of a CSV/XLSX conversation is reported on its own row."""
    if group.data and message.startswith("turns["):
        try:
            index = int(message[6:message.index("]")])
            return group.data["turns"][index].get("_line", group.first)
        except (ValueError, IndexError, AttributeError):
            pass
    return group.first


# ---- running ---------------------------------------------------------------------------------------

def import_run(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.state in (ImportState.DONE, ImportState.FAILED):
        return  # done already: a second delivery of the same job changes nothing
    if job.state == ImportState.QUEUED:
        total = sum(1 for _ in read_groups(job))
        ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, total=total)
        job.refresh_from_db()
    agents, pack = AgentDirectory(), active_pack()
    chunk: list[Group] = []
    for group in read_groups(job):
        if group.last <= job.position:
            continue  # committed by an earlier run
        chunk.append(group)
        if len(chunk) >= CHUNK:
            _import_chunk(job, chunk, agents, pack)
            chunk = []
    if chunk:
        _import_chunk(job, chunk, agents, pack)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.DONE, finished_at=timezone.now())
    _refresh_statistics(job)


ANALYZE_AFTER = 10_000  # conversations: a big import changes the tables' shape for the planner


def _refresh_statistics(job: ImportJob) -> None:
    """After a big import, PostgreSQL's planner still sees the tables as they were until autovacuum comes
    round; with 100,000 new results it estimated 213 findings of a rule where there were 11,840 and
    read the results list by rule in 1.6 s instead of 0.15 s. ANALYZE is cheap (a sample) and safe."""
    job.refresh_from_db(fields=["imported"])
    if connection.vendor != "postgresql" or job.imported < ANALYZE_AFTER:
        return
    with connection.cursor() as cursor:
        for model in (Conversation, Inspection, Finding, Review):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@transaction.atomic
def _import_chunk(job: ImportJob, groups: list[Group], agents: AgentDirectory, pack) -> None:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    errors: list[dict] = []
    records: dict[str, tuple[Group, Record]] = {}
    now = timezone.now()
    for group in groups:
        if group.error:
            errors.append({"line": group.first, "message": group.error})
            continue
        try:
            record = clean_record(_without_lines(group.data), agents, now=now)
        except DomainError as exc:
            errors.append({"line": _line_of(group, exc.message), "message": exc.message})
            continue
        records[record.external_id] = (group, record)  # a later row with the same id wins
    conversations = _upsert([r for _g, r in records.values()], now)
    inspect_conversations(conversations=conversations, trigger=Trigger.IMPORT, pack=pack, now=now)
    room = MAX_ERRORS - len(job.errors)
    job.errors = job.errors + errors[:max(room, 0)]
    job.done += len(groups)
    job.imported += len(records)
    job.position = groups[-1].last
    job.save(update_fields=["errors", "done", "imported", "position"])


def _without_lines(data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("turns"), list):
        return {**data, "turns": [{k: v for k, v in t.items() if k != "_line"} if isinstance(t, dict) else t
                                  for t in data["turns"]]}
    return data


def _upsert(records: list[Record], now) -> list[Conversation]:
    """Creates new conversations and updates changed ones in bulk; returns those needing inspection."""
    existing = {c.external_id: c for c in Conversation.objects.filter(
        external_id__in=[r.external_id for r in records]).only("pk", "external_id", "digest", "agent_id")}
    new, changed = [], []
    for record in records:
        digest = conversation_digest(record.channel, record.turns, record.meta)
        conversation = existing.get(record.external_id)
        if conversation is not None and conversation.digest == digest and conversation.agent_id == record.agent_id:
            continue
        target = conversation or Conversation(external_id=record.external_id, source=Source.IMPORT, created_at=now)
        target.channel, target.agent_id, target.customer_id = record.channel, record.agent_id, record.customer_id
        target.ticket_id, target.started_at, target.turns = record.ticket_id, record.started_at, record.turns
        target.meta, target.digest, target.inspection_state = record.meta, digest, InspectionState.QUEUED
        target.updated_at = now
        (changed if conversation is not None else new).append(target)
    bulk.insert(Conversation, NEW_FIELDS, [
        (c.external_id, c.source, c.channel, c.agent_id, c.customer_id, c.ticket_id, c.started_at, c.turns, c.digest,
         c.meta, c.inspection_state, now, now) for c in new])
    ids = dict(Conversation.objects.filter(external_id__in=[c.external_id for c in new]).values_list("external_id",
                                                                                                     "pk"))
    for conversation in new:
        conversation.pk = ids[conversation.external_id]
    Conversation.objects.bulk_update(changed, ["channel", "agent_id", "customer_id", "ticket_id", "started_at",
                                               "turns", "meta", "digest", "inspection_state", "updated_at"],
                                     batch_size=1000)
    bulk.insert(QaEvent, ("conversation", "code", "params", "created_at"),
                [(c.pk, "qa.imported", {"source": "import"}, now) for c in new]
                + [(c.pk, "qa.updated", {"source": "import"}, now) for c in changed])
    return [*new, *changed]


def import_status(job: ImportJob) -> dict:
    return {"state": job.state, "total": job.total, "done": job.done, "errors": job.errors}


def example_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "channel", "agent", "started_at", "role", "text"])
    writer.writerow(["call-1", "chat", "agent_a", "2026-12-01T10:00:00+08:00", "customer", "你好，我的快递到哪了"])
    writer.writerow(["call-1", "chat", "agent_a", "", "agent", "您好，我帮您查一下"])
    return out.getvalue()
