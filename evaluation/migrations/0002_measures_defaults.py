from decimal import Decimal

from django.db import migrations

# Copied from evaluation.models.DEFAULTS at the time of writing (a migration must not follow later edits).
DEFAULTS = [
    ("finished_on_time", 20, 100, 0),
    ("behind_schedule", 15, 0, 50),
    ("reports_on_time", 20, 100, 0),
    ("progress_complete", 15, 100, 0),
    ("execution_pace", 15, 100, 0),
    ("settled_on_time", 10, 100, 0),
    ("registered_on_time", 5, 100, 0),
]


def load(apps, schema_editor):
    Measure = apps.get_model("evaluation", "Measure")
    for position, (code, weight, full_at, zero_at) in enumerate(DEFAULTS):
        Measure.objects.get_or_create(
            code=code,
            defaults={"weight": Decimal(weight), "full_at": Decimal(full_at), "zero_at": Decimal(zero_at), "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
