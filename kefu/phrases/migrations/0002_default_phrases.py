from django.db import migrations


def seed(apps, schema_editor):
    from kefu.phrases.defaults import DEFAULT_PHRASES

    Phrase = apps.get_model("phrases", "Phrase")
    if Phrase.objects.exists():
        return
    for position, (situation, text, shortcut) in enumerate(DEFAULT_PHRASES):
        Phrase.objects.create(situation=situation, text=text, shortcut=shortcut, position=position)


class Migration(migrations.Migration):
    dependencies = [("phrases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
