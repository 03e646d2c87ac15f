from django.db import migrations


def forwards(apps, schema_editor):
    from kefu.callbacks.defaults import install_defaults

    install_defaults(apps.get_model("callbacks", "CallbackScript"))


class Migration(migrations.Migration):
    dependencies = [("callbacks", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
