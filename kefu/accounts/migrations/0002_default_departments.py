from django.db import migrations

DEFAULT_DEPARTMENTS = [
    ("客服部", "service", "service"),
    ("销售部", "sales", "responsible"),
    ("售后部", "after-sales", "responsible"),
    ("物流部", "logistics", "responsible"),
    ("技术部", "technical", "responsible"),
]


def seed(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for name, code, kind in DEFAULT_DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
