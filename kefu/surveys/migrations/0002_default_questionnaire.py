from django.db import migrations


def forwards(apps, schema_editor):
    from kefu.surveys.defaults import install_defaults

    install_defaults(apps.get_model("surveys", "Questionnaire"), apps.get_model("surveys", "Question"),
                     apps.get_model("surveys", "SurveyRule"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
