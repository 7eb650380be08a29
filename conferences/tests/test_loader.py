"""The known history: loaded as real data, the same rows however often it is loaded."""

import datetime
from decimal import Decimal

from django.core.management import call_command

from conferences import services
from conferences.models import (
    CoChair,
    Conclusion,
    Conference,
    Document,
    HistoricalConference,
    Participation,
    QuotedFigure,
    Recognition,
)

from .conftest import conference_of, province


def _counts():
    models = [Conference, CoChair, Conclusion, Document, Participation, QuotedFigure, Recognition, HistoricalConference]
    return {m.__name__: m.objects.count() for m in models}


def test_repeated_loads_add_no_rows_and_no_history(reference_data):
    first = services.conferences_load()
    counts = _counts()
    call_command("load_conferences", stdout=None)
    second = services.conferences_load()
    assert first == second
    assert _counts() == counts
    assert counts["Conference"] == 4 and counts["Conclusion"] == 9 and counts["Participation"] == 20


def test_hosts_are_provinces_as_they_were(history):
    hosts = {
        c.year: (c.roman, c.host_province.name, c.host_province.code, c.host_province.code_set, c.number_inferred)
        for c in Conference.objects.select_related("host_province")
    }
    assert hosts == {
        2022: ("XII", "Tây Ninh", 72, 2004, False),
        2023: ("XIII", "Hậu Giang", 93, 2004, False),
        2024: ("XIV", "Kiên Giang", 91, 2004, False),
        2025: ("XV", "Tây Ninh", 80, 2025, True),
    }


def test_2022_conference_facts_from_the_seed(history):
    c = conference_of(2022)
    assert c.date == datetime.date(2022, 10, 13) and "Sunrise" in c.venue
    assert c.organiser.name_on(c.date).startswith("Cục Công Thương địa phương")
    assert [ch.full_name for ch in c.co_chairs.all()] == ["Ngô Quang Trung", "Lê Anh Tuấn"]
    assert c.next_host == province(93, 2004) and not c.handover_inferred
    assert c.conclusions.count() == 9
    figures = {f.period: (f.value, f.out_of, f.measure) for f in c.quoted_figures.all()}
    assert figures == {
        "Năm 2021": (Decimal("50.00"), None, "percent"),
        "9 tháng đầu năm 2022": (Decimal("37.60"), None, "percent"),
        "Đến ngày hội nghị": (Decimal("4.00"), Decimal("20.00"), "count"),
    }
    assert all(f.source for f in c.quoted_figures.all())
    recognition = c.recognitions.get()
    assert recognition.full_name == ""  # the source names nobody: left empty, not invented
    assert c.regional_figures is None  # captured by ministry staff from the reports, not loaded


def test_unknown_details_stay_empty(history):
    c2023 = conference_of(2023)
    assert c2023.date is None and c2023.venue == "" and c2023.handover_inferred
    c2024 = conference_of(2024)
    assert c2024.date == datetime.date(2024, 10, 10) and c2024.place == "Phú Quốc" and c2024.next_host is None
    c2025 = conference_of(2025)
    assert c2025.date == datetime.date(2025, 10, 20)
    assert c2025.organiser.name_on(c2025.date).startswith("Cục Đổi mới sáng tạo")
    assert c2025.conclusions.count() == 0


def test_reload_keeps_what_was_recorded_in_the_portal(history, ministry_staff):
    services.conference_close(conference=conference_of(2025), next_host=province(96), by=ministry_staff)
    services.conferences_load()
    assert conference_of(2025).next_host == province(96)
    assert Conference.objects.count() == 5
