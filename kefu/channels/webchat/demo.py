"""Demo data: the demo service department takes web chats and has a mailbox for the webhook."""

import random
from datetime import datetime

from kefu.customers.models import Customer


def demo_channels(*, people: dict, customers: list[Customer], rng: random.Random, now: datetime) -> None:
    from kefu.channels.email.models import DepartmentMail, Mailbox, ReplyTemplate

    from .models import ChatSettings

    supervisor = people["wangzg"]
    department = supervisor.department
    ChatSettings.objects.get_or_create(department=department, defaults={"owner": supervisor})
    DepartmentMail.objects.get_or_create(department=department, defaults={
        "signature": f"{department.name}\n本邮件由客服系统发送，回复时请保留主题中的工单号。"})
    Mailbox.objects.get_or_create(address="kefu@example.com", defaults={
        "name": "客服邮箱", "department": department, "owner": supervisor})
    ReplyTemplate.objects.get_or_create(department=department, title="物流查询", defaults={
        "body": "您好，您的包裹目前在运输途中，预计 1-2 个工作日送达。如有其他问题请随时回复本邮件。"})
