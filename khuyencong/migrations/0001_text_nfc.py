"""Existing text of every app's tables rewritten in Unicode NFC (new writes are normalised on save)."""

from django.db import migrations

from khuyencong.text import nfc_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("provinces", "0005_vietnamese_collation"),
        ("notices", "0002_default_reminder_rules"),
        ("periods", "0001_initial"),
        ("projects", "0009_names_in_vietnamese_order"),
        ("reports", "0005_provinces_in_vietnamese_order"),
        ("products", "0003_annual_report_reminder_rules"),
        ("conferences", "0002_delegate_contact_and_unique_name"),
        ("network", "0002_collaborators_in_vietnamese_order"),
        ("evaluation", "0002_measures_defaults"),
    ]

    operations = [migrations.RunPython(nfc_migrate, migrations.RunPython.noop, elidable=True)]
