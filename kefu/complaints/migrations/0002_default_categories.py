"""The seed's default complaint categories; admins edit the list afterwards."""

from django.db import migrations

DEFAULTS = [
    ("quality", "质量", 10), ("delivery", "配送", 20), ("attitude", "服务态度", 30), ("price", "价格", 40),
    ("installation", "安装", 50), ("after_sales", "售后", 60), ("other", "其他", 90),
]


def add_defaults(apps, schema_editor) -> None:
    Category = apps.get_model("complaints", "ComplaintCategory")
    for code, name, order in DEFAULTS:
        Category.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
