from django.core.management.base import BaseCommand

from kefu.tickets.demo import DEMO_PASSWORD, STAFF, load_demo


class Command(BaseCommand):
    help = "Loads a demo service department (idempotent: running it twice does not duplicate)."

    def handle(self, *args, **options) -> None:
        result = load_demo()
        self.stdout.write(f"演示数据就绪：{len(result['staff'])} 名员工，{result['customers']} 位客户，"
                          f"新建 {result['tickets_created']} 张工单。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, name, role, _dept, _team in STAFF:
            self.stdout.write(f"  {username:<10} {name}（{role.label}）")
