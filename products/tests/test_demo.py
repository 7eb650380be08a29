"""The demo: the 2022 southern regional round at its real size, fed by the provincial rounds."""

import datetime

import pytest
from django.db.models import Count

from products import demo
from products.models import Certificate, Entry, Round
from provinces import services as province_services

pytestmark = pytest.mark.django_db


def test_the_2022_southern_round_has_364_entries_from_20_provinces_and_200_recognised(reference_data):
    province_services.demo_accounts_create()
    counts = demo.demo_seed(seed=1)
    regional = Round.objects.get(level="region", year=2022)
    entries = Entry.objects.filter(round=regional)
    assert counts["regional entries"] == entries.count() == 364
    assert entries.values("province").distinct().count() == 20
    assert Certificate.objects.filter(entry__round=regional).count() == 200 == regional.recognised_count
    # Every entry came up from its province's round with a certificate valid on the day it was filed.
    for entry in entries.select_related("lower_certificate", "promotion", "source_entry__round"):
        assert entry.source_entry.round.level == "province" and entry.source_entry.round.feeds_id == regional.pk
        assert entry.lower_certificate.valid_on(entry.promotion.filed_on)
    assert regional.results_on == datetime.date(2022, 10, 13)
    provincial = Round.objects.filter(level="province", year=2022).annotate(n=Count("entries"))
    assert provincial.count() == 20 and all(r.n > r.entries.filter(promoted=True).count() for r in provincial)
    assert demo.demo_present()
    demo._purge()
    assert not Round.objects.filter(title__startswith=demo.DEMO).exists()
