"""Small factories for tests: each makes one object with sensible defaults, overridable by keyword."""

import itertools

from kefu.accounts.models import Department, DepartmentKind, Role, Team, User
from kefu.accounts.services import user_create
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create

_seq = itertools.count(1)
PASSWORD = "test-pass-123"


def department(name: str | None = None, kind: str = DepartmentKind.SERVICE) -> Department:
    n = next(_seq)
    return Department.objects.create(name=name or f"部门{n}", code=f"dept-{n}", kind=kind)


def team(dept: Department | None = None, name: str | None = None) -> Team:
    return Team.objects.create(department=dept or department(), name=name or f"班组{next(_seq)}")


def user(role: str = Role.AGENT, *, dept: Department | None = None, team: Team | None = None,
         username: str | None = None, **extra) -> User:
    u = user_create(username=username or f"u{next(_seq)}", password=PASSWORD, role=role,
                    display_name=extra.pop("display_name", ""), department=dept, team=team)
    for key, value in extra.items():
        setattr(u, key, value)
    if extra:
        u.save()
    return u


def customer(by: User | None = None, **data) -> Customer:
    data.setdefault("name", f"客户{next(_seq)}")
    # Each customer its own number: a second record with a number already on file is refused.
    data.setdefault("phones", [f"139{next(_seq):08d}"])
    return customer_create(by=by, **data)


def ticket(by: User, cust: Customer | None = None, **data) -> Ticket:
    data.setdefault("subject", "咨询发货时间")
    data.setdefault("body", "你好，我的订单什么时候发货？")
    return ticket_create(by=by, customer=cust or customer(by), **data)


class Desk:
    """A small department: service dept with two teams, a responsible dept, one user per role."""

    def __init__(self) -> None:
        self.service = department("客服部测试", DepartmentKind.SERVICE)
        self.other_service = department("另一客服部", DepartmentKind.SERVICE)
        self.aftersales = department("售后部测试", DepartmentKind.RESPONSIBLE)
        self.logistics = department("物流部测试", DepartmentKind.RESPONSIBLE)
        self.team_a = team(self.service, "一组")
        self.team_b = team(self.service, "二组")
        self.agent = user(Role.AGENT, dept=self.service, team=self.team_a, username="agent_a")
        self.teammate = user(Role.AGENT, dept=self.service, team=self.team_a, username="agent_a2")
        self.other_agent = user(Role.AGENT, dept=self.service, team=self.team_b, username="agent_b")
        self.supervisor = user(Role.SUPERVISOR, dept=self.service, username="super")
        self.other_supervisor = user(Role.SUPERVISOR, dept=self.other_service, username="super2")
        self.qa = user(Role.QA, dept=self.service, username="qa")
        self.handler = user(Role.HANDLER, dept=self.aftersales, username="handler")
        self.other_handler = user(Role.HANDLER, dept=self.logistics, username="handler2")
        self.admin = user(Role.ADMIN, dept=self.service, username="admin1")
