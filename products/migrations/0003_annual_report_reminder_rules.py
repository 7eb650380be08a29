from django.db import migrations

# Certified establishments' annual reports: a week before the due day, then 7 and 30 days after it; the
# province's officers are the ones reminded (the report goes to their department).
RULES = [(-7, "responsible"), (7, "responsible"), (30, "responsible")]


def add_rules(apps, schema_editor):
    ReminderRule = apps.get_model("notices", "ReminderRule")
    for offset, audience in RULES:
        ReminderRule.objects.get_or_create(subject="product_annual_report", offset_days=offset, audience=audience)


class Migration(migrations.Migration):
    dependencies = [("products", "0002_annual_report_due"), ("notices", "0002_default_reminder_rules")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
