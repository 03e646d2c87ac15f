"""The department: a service centre with teams of agents, supervisors, QA inspectors, responsible
departments with handlers, and the customers (one for every four orders, some calling often)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .writer import TableWriter, next_id, reset_sequences

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鑫宇浩然子轩梓涵一诺欣怡"
RESPONSIBLE = ["物流配送部", "售后维修部", "财务结算部", "技术支持部", "质量管理部", "门店运营部"]


@dataclass
class People:
    service: object = None
    departments: list = field(default_factory=list)  # responsible departments
    teams: list = field(default_factory=list)
    agents: list = field(default_factory=list)  # (user id, team id)
    supervisors: list = field(default_factory=list)
    handlers: dict = field(default_factory=dict)  # department id -> [user ids]
    customers: range = range(0)


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def build_people(*, orders: int, rng: random.Random, prefix: str = "big") -> People:
    from django.contrib.auth.hashers import make_password

    from kefu.accounts.models import Department, DepartmentKind, Role, Team, User
    from kefu.customers.models import Customer, CustomerPhone

    people = People()
    people.service, _ = Department.objects.get_or_create(
        name="华东客服中心", defaults={"kind": DepartmentKind.SERVICE, "code": f"{prefix}-service"})
    for i, name in enumerate(RESPONSIBLE):
        dept, _ = Department.objects.get_or_create(
            name=name, defaults={"kind": DepartmentKind.RESPONSIBLE, "code": f"{prefix}-dept-{i}"})
        people.departments.append(dept)
    n_teams = max(2, min(40, orders // 25_000))
    password = make_password("kefu-bench-1")  # one hash for every bench user: hashing 400 costs minutes
    users = []
    for t in range(n_teams):
        team, _ = Team.objects.get_or_create(name=f"热线{t + 1:02d}组", department=people.service)
        people.teams.append(team)
        for a in range(10):
            users.append(User(username=f"{prefix}_agent_{t:02d}_{a}", display_name=person(rng), role=Role.AGENT,
                              department=people.service, team=team, password=password))
        users.append(User(username=f"{prefix}_sup_{t:02d}", display_name=person(rng), role=Role.SUPERVISOR,
                          department=people.service, team=team, password=password, can_view_personal_data=True))
    for d, dept in enumerate(people.departments):
        for h in range(3):
            users.append(User(username=f"{prefix}_handler_{d}_{h}", display_name=person(rng), role=Role.HANDLER,
                              department=dept, password=password))
    User.objects.bulk_create(users, ignore_conflicts=True)
    for user in User.objects.filter(username__startswith=f"{prefix}_").only("id", "role", "team_id", "department_id"):
        if user.role == Role.AGENT:
            people.agents.append((user.pk, user.team_id))
        elif user.role == Role.SUPERVISOR:
            people.supervisors.append(user.pk)
        elif user.role == Role.HANDLER:
            people.handlers.setdefault(user.department_id, []).append(user.pk)
    people.agents.sort()
    count = max(10, orders // 4)
    first = next_id(Customer)
    writer = TableWriter(Customer)
    phone_rows = TableWriter(CustomerPhone)  # the indexed phone table search by number reads
    first_phone = next_id(CustomerPhone)
    for i in range(count):
        phone = f"1{rng.choice('3578')}{first + i:09d}"[-11:]
        writer.add(id=first + i, name=person(rng), phones=[phone], phones_index=phone,
                   region=rng.choice(["上海", "杭州", "南京", "苏州", "宁波", "合肥"]),
                   created_at=_year_start(), updated_at=_year_start())
        phone_rows.add(id=first_phone + i, customer_id=first + i, number=phone)
    writer.flush()
    phone_rows.flush()
    reset_sequences([CustomerPhone])
    people.customers = range(first, first + count)
    return people


def _year_start():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
