"""Search latency at scale (issue 17 target: p95 under 50 ms at 1M orders on PostgreSQL).

Run: .venv/bin/python bench/search_bench.py --database-url postgres://postgres@127.0.0.1:5432/kefu_bench \
        [--orders 1000000] [--customers 200000] [--rounds 20]
  or, on the large-department data of bench/generate.py once `kefu search_rebuild` indexed it:
     .venv/bin/python bench/search_bench.py --database-url postgres://postgres@127.0.0.1:5432/kefu_big \
        --existing --user big_sup_01

Builds the data once (kept between runs: a second run only times), inside PostgreSQL: customers with
phones, orders whose subjects and messages are composed from a customer-service vocabulary (7,200
subjects from products x problems, messages from requests x details, a rare word in one order in 50),
and one search document per order and customer whose tokens come from kefu.search.text.index_text of
the same vocabulary (what `kefu search_rebuild` would write). Until the large-department generator of
bench/ lands, this script makes its own data. PostgreSQL only.

Then times what the inbox and `GET /api/v1/tickets?q=` run for a supervisor who sees the whole
department: ticket_list(q=...) plus the page's count() and its first 50 rows, per query class:
  rare words (地板起鼓), common two-character words (退款, 发票), Traditional input, a word only in
  messages, a whole phone number, an order number, and a one-character query (substring fallback).
Prints best / p50 / p95 / max per class and over the indexed classes, in milliseconds, and the machine's
load (wall time over CPU time of a fixed task) before and after, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SH = ZoneInfo("Asia/Shanghai")

PRODUCTS = ["木地板", "实木复合地板", "强化地板", "瓷砖", "地砖", "墙纸", "橱柜", "衣柜", "浴室柜", "马桶",
            "花洒", "热水器", "空调", "冰箱", "洗衣机", "油烟机", "燃气灶", "净水器", "窗帘", "床垫",
            "沙发", "餐桌", "门锁", "防盗门", "木门", "吊顶", "灯具", "开关面板", "水龙头", "地暖"]
PROBLEMS = ["起鼓", "开裂", "异响", "漏水", "渗水", "褪色", "掉漆", "变形", "有异味", "安装不平",
            "尺寸不对", "发错货", "少发配件", "送货延迟", "无法开机", "噪音大", "不制冷", "漏电", "划痕",
            "破损", "色差", "脱胶", "生锈", "堵塞", "松动", "无法关闭", "报错", "温度不稳", "卡顿", "缺件"]
WHEN = ["新装", "刚买的", "用了一年的", "上周安装的", "保修期内的", "去年买的", "装修时买的", ""]
ASKS = ["要求上门维修", "申请退款", "要求换货", "请尽快处理", "要求补发配件", "要求开具发票", "发票抬头开错了",
        "想了解保修政策", "要求赔偿", "咨询安装时间", "投诉安装师傅态度差", "物流一直没有更新"]
DETAILS = ["师傅说是受潮", "客户家在顶楼", "已经催过三次", "客户很着急", "小区物业不让进", "客户要求周末上门",
           "老客户介绍来的", "孩子过敏", "已拍照留证", "经销商已确认", "第二次出现同样问题", "对赔偿金额有异议"]
RARE = ["霉斑", "甲醛超标", "保价", "以旧换新", "分期付款", "延保服务", "样板间", "团购优惠"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def setup_django(database_url: str, migrate: bool = True) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", verbosity=0)


def _insert_select(model, exprs: dict[str, str], source: str, params: list | None = None) -> int:
    """INSERT INTO model's table SELECT ... FROM source: the named columns from SQL expressions, every
    other column its model default (so a column a colleague adds later does not break the bench)."""
    from django.db import connection

    columns, values, args = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name in exprs:
            values.append(exprs[field.name])
        elif field.null:
            values.append("NULL")
        else:
            values.append("%s")
            args.append(field.get_db_prep_save(field.get_default(), connection))
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, args + list(params or []))
        return cursor.rowcount


def _vocabulary(cursor, name: str, texts: list[str]) -> None:
    from kefu.search.text import index_text

    cursor.execute(f"CREATE TEMP TABLE {name} (i int PRIMARY KEY, text text, tokens text)")
    cursor.executemany(f"INSERT INTO {name} VALUES (%s, %s, %s)",
                       [(i, text, index_text(text)) for i, text in enumerate(texts)])


def build(orders: int, customers: int, rng: random.Random) -> None:
    """The data, generated inside PostgreSQL from a tokenised vocabulary (minutes, not hours, at 1M)."""
    from django.db import connection, transaction

    from kefu.accounts.models import Department, Role, Team, User
    from kefu.customers.models import Customer
    from kefu.search.models import Document
    from kefu.tickets.models import Message, Ticket

    department = Department.objects.get(code="service")
    team, _ = Team.objects.get_or_create(department=department, name="压测组")
    agent, _ = User.objects.get_or_create(username="bench_agent", defaults=dict(
        role=Role.AGENT, department=department, team=team, can_view_personal_data=True))
    User.objects.get_or_create(username="bench_super", defaults=dict(
        role=Role.SUPERVISOR, department=department, can_view_personal_data=True))
    if Ticket.objects.count() >= orders:
        return
    started = time.perf_counter()
    names = sorted({a + b + c for a in SURNAMES for b in GIVEN for c in ["", *GIVEN]})
    subjects = [f"{w}{p}{q}" for w in WHEN for p in PRODUCTS for q in PROBLEMS]
    rng.shuffle(subjects)
    bodies = [f"{a}，{d}" for a in ASKS for d in DETAILS] + [f"{a}，{d}，{r}" for a in ASKS for d in DETAILS[:2]
                                                             for r in RARE]
    phone = "('13' || mod(g, 10) || lpad(mod(g * 7919, 100000000)::text, 8, '0'))"
    with transaction.atomic(), connection.cursor() as cursor:
        _vocabulary(cursor, "bench_name", names)
        _vocabulary(cursor, "bench_subject", subjects)
        _vocabulary(cursor, "bench_body", bodies)
        _insert_select(Customer, {
            "name": "n.text", "phones": f"jsonb_build_array({phone})", "phones_index": phone, "region": "'上海'",
            "created_at": "now()", "updated_at": "now()",
        }, f"generate_series(1::bigint, %s::bigint) g JOIN bench_name n ON n.i = mod(g * 31, {len(names)})", [customers])
        cursor.execute("INSERT INTO customers_customerphone (customer_id, number) SELECT id, phones_index"
                       " FROM customers_customer WHERE phones_index <> ''")
        cursor.execute("INSERT INTO search_document (kind, object_id, title, body) SELECT 'customer', c.id,"
                       " n.tokens, '' FROM customers_customer c JOIN bench_name n ON n.text = c.name")
        cursor.execute("SELECT min(id), count(*) FROM customers_customer")
        first_customer, customer_count = cursor.fetchone()
        print(f"customers: {customer_count} ({time.perf_counter() - started:.0f} s)", flush=True)
        created = "(timestamptz '2025-01-01 09:00+08' + mod(g * 7919, 700 * 24 * 60) * interval '1 minute')"
        _insert_select(Ticket, {
            "number": f"'GD' || to_char({created} AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(g::text, 7, '0')",
            "subject": "s.text", "status": "(ARRAY['new', 'open', 'closed'])[mod(g, 3) + 1]",
            "customer": f"{first_customer} + mod(g * 104729, {customer_count})", "first_responder": str(agent.pk),
            "assignee": f"CASE WHEN mod(g, 4) = 0 THEN NULL ELSE {agent.pk} END", "team": str(team.pk),
            "department": str(department.pk), "created_at": created, "updated_at": created,
        }, f"generate_series(1::bigint, %s::bigint) g JOIN bench_subject s ON s.i = mod(g * 7919, {len(subjects)})", [orders])
        print(f"orders: {orders} ({time.perf_counter() - started:.0f} s)", flush=True)
        _insert_select(Message, {"ticket": "t.id", "kind": "'customer'", "body": "b.text",
                                 "created_at": "t.created_at"},
                       f"tickets_ticket t JOIN bench_body b ON b.i = mod(t.id, {len(bodies)})")
        cursor.execute("INSERT INTO search_document (kind, object_id, title, body)"
                       " SELECT 'ticket', t.id, lower(t.number) || ' ' || s.tokens, b.tokens FROM tickets_ticket t"
                       " JOIN bench_subject s ON s.text = t.subject"
                       f" JOIN bench_body b ON b.i = mod(t.id, {len(bodies)})")
        print(f"messages and index: ({time.perf_counter() - started:.0f} s)", flush=True)
    assert Document.objects.filter(kind="ticket").count() == orders
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def queries(rng: random.Random) -> dict[str, list[str]]:
    from kefu.customers.models import Customer
    from kefu.tickets.models import Ticket

    some = [Ticket.objects.filter(pk__gte=rng.randrange(1, Ticket.objects.count())).order_by("pk")
            .values_list("number", flat=True).first() for _ in range(10)]
    phones = [Customer.objects.filter(pk__gte=rng.randrange(1, Customer.objects.count())).order_by("pk")
              .values_list("phones", flat=True).first()[0] for _ in range(10)]
    return {
        "rare words (地板起鼓)": ["地板起鼓", "木门变形", "马桶堵塞", "热水器报错", "地暖漏水", "沙发异味", "门锁松动"],
        "common 2-char (退款, 发票)": ["退款", "发票", "换货", "维修", "漏水", "安装"],
        "traditional (發票, 換貨)": ["發票", "換貨", "熱水器", "門鎖"],
        "message-only words": ["受潮", "甲醛超标", "以旧换新", "物业", "过敏"],
        "whole phone": [f"{p[:3]} {p[3:7]} {p[7:]}" for p in phones],
        "order number": some,
        "one character (substring)": ["鼓", "锁"],
    }


def existing_queries(rng: random.Random) -> dict[str, list[str]]:
    """Queries for a database made by bench/generate.py (kefu_big): its orders draw on 16 subjects and a
    few canned lines, so every word there is common (one order in 16 or more): the ranking's worst case."""
    from kefu.customers.models import Customer
    from kefu.tickets.models import Ticket

    top = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
    some = [Ticket.objects.filter(pk__gte=rng.randrange(1, top)).order_by("pk").values_list("number", flat=True)
            .first() for _ in range(10)]
    ctop = Customer.objects.order_by("-pk").values_list("pk", flat=True).first()
    phones = [p for p in (Customer.objects.filter(pk__gte=rng.randrange(1, ctop)).exclude(phones=[]).order_by("pk")
                          .values_list("phones", flat=True).first() for _ in range(10)) if p]
    return {
        "multi-word (快递未送达)": ["快递未送达", "宽带断线", "发票开具", "重复扣款", "积分未到账"],
        "common 2-char (退款, 发票)": ["退款", "发票", "积分", "宽带", "保养", "扣款"],
        "traditional (發票, 寬帶)": ["發票", "寬帶", "優惠活動"],
        "message-only words": ["材料", "回电", "短信通知", "加急"],
        "whole phone": [f"{p[0][:3]} {p[0][3:7]} {p[0][7:]}" for p in phones],
        "order number": some,
        "one character (substring)": ["票", "鼓"],
    }


def run(rounds: int, rng: random.Random, username: str = "bench_super", existing: bool = False) -> None:
    from kefu.accounts.models import User
    from kefu.core.pagination import paginate
    from kefu.tickets.selectors import ticket_list

    user = User.objects.get(username=username)
    classes = existing_queries(rng) if existing else queries(rng)
    indexed: list[float] = []
    print(f"machine load: {contention():.1f}x (wall time / CPU time of a fixed CPU-bound task; 1.0 = idle);"
          f" load average {os.getloadavg()}; user {username}, orders {ticket_list(user).count()}")
    print(f"{'query class':28} {'n':>5} {'best':>8} {'p50':>8} {'p95':>8} {'max':>8} {'cpu/q':>7}  hits (first query)")
    backend = _backend_pid()
    for name, texts in classes.items():
        times = []
        for text in texts:  # warm the plan and the pages once
            paginate(ticket_list(user, q=text), 1, 50)
        cpu_before = time.process_time() + _cpu_seconds(backend)
        for _ in range(rounds):
            for text in texts:
                started = time.perf_counter()
                rows, meta = paginate(ticket_list(user, q=text), 1, 50)
                times.append((time.perf_counter() - started) * 1000)
        # CPU time of this process and its PostgreSQL backend per query: what the search costs whatever
        # else runs on the machine (the wall time above includes waiting for a core).
        cpu = (time.process_time() + _cpu_seconds(backend) - cpu_before) * 1000 / len(times)
        if not name.startswith("one character"):
            indexed.extend(times)
        hits = paginate(ticket_list(user, q=texts[0]), 1, 50)[1]["count"]
        times.sort()
        print(f"{name:28} {len(times):>5} {times[0]:>8.1f} {statistics.median(times):>8.1f}"
              f" {times[int(len(times) * .95) - 1]:>8.1f} {times[-1]:>8.1f} {cpu:>7.1f}  {hits}")
    indexed.sort()
    print(f"{'ALL indexed classes':28} {len(indexed):>5} {indexed[0]:>8.1f} {statistics.median(indexed):>8.1f}"
          f" {indexed[int(len(indexed) * .95) - 1]:>8.1f} {indexed[-1]:>8.1f}")
    print(f"machine load after: {contention():.1f}x; load average {os.getloadavg()}")


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a local process (the PostgreSQL backend); 0 when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def contention() -> float:
    """How much slower than its CPU time a fixed task runs now: the machine is shared, and figures taken
    under load must say so."""
    wall, cpu = time.perf_counter(), time.process_time()
    sum(range(5_000_000))
    return (time.perf_counter() - wall) / max(time.process_time() - cpu, 1e-6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/kefu_bench")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--existing", action="store_true",
                        help="time an existing database (e.g. kefu_big from bench/generate.py): build nothing,"
                             " migrate nothing; its search index must be built (kefu search_rebuild)")
    parser.add_argument("--user", default="bench_super", help="whose searches (a supervisor sees the department)")
    args = parser.parse_args()
    rng = random.Random(17)
    setup_django(args.database_url, migrate=not args.existing)
    if not args.existing:
        build(args.orders, args.customers, rng)
    run(args.rounds, rng, args.user, args.existing)


if __name__ == "__main__":
    main()
