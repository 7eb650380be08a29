from django.db import migrations

# 7 and 1 days before a report's deadline, 1, 3 and 7 after; at 14 days the ministry is told ("rất chậm").
DEFAULT_RULES = [(-7, "responsible", False), (-1, "responsible", False), (1, "responsible", False),
                 (3, "responsible", False), (7, "responsible", False), (14, "ministry", True)]


def add_rules(apps, schema_editor):
    ReminderRule = apps.get_model("notices", "ReminderRule")
    for offset, audience, very_late in DEFAULT_RULES:
        ReminderRule.objects.get_or_create(
            subject="report", offset_days=offset, audience=audience, defaults={"very_late": very_late}
        )


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
