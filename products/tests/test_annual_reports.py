"""Certified establishments' annual reports: reminders to the province's officers on the days the rules say,
once each, never for a report already recorded, a revoked certificate or a province not theirs."""

import datetime

import pytest
from django.utils import translation

from notices.models import Notice, ReminderRule
from products import notify, services
from products.models import Certificate
from products.tests.test_scoring import recognised_round
from provinces.models import User

pytestmark = pytest.mark.django_db
DUE = datetime.date(2026, 1, 31)  # the report on 2025: 31 days after 31/12/2025 (the rule's default)


@pytest.fixture
def rules(db):
    # As the migration loads them; set here too, since an earlier transactional test may have flushed them.
    for offset in (-7, 7, 30):
        ReminderRule.objects.get_or_create(subject=notify.SUBJECT, offset_days=offset, audience="responsible")


@pytest.fixture
def certificate(selection_rules, tayninh_officer, tay_ninh, judges):
    _round, (entry, _other) = recognised_round(tayninh_officer, tay_ninh, judges, signed_on=datetime.date(2025, 10, 1))
    return Certificate.objects.get(entry=entry)


def _notices():
    return list(Notice.objects.filter(kind="products.annual_report.reminder").order_by("pk"))


def test_the_due_day_comes_from_the_rule_as_data(certificate):
    assert certificate.issued_on.year == 2025 and notify.due_on(certificate, 2025) == DUE
    rule = certificate.entry.round.rule
    rule.annual_report_due_days = 59  # a later circular: end of February
    rule.save()
    certificate.refresh_from_db()
    assert notify.due_on(certificate, 2025) == datetime.date(2026, 2, 28)


def test_officers_are_reminded_before_and_after_the_due_day_once_each(
    rules, certificate, tayninh_officer, tayninh_approver, cantho_officer
):
    assert notify.annual_report_reminders_send(today=DUE - datetime.timedelta(days=8)) == 0
    officers = set(User.objects.filter(role=User.Role.OFFICER, unit__province=certificate.entry.province))
    assert tayninh_officer in officers and len(officers) > 1  # the judges are Tây Ninh officers too
    assert notify.annual_report_reminders_send(today=DUE - datetime.timedelta(days=7)) == len(officers)
    assert notify.annual_report_reminders_send(today=DUE - datetime.timedelta(days=7)) == 0  # a rerun, a retry
    assert {n.recipient for n in _notices()} == officers  # not the approver, not Cần Thơ's officer
    before = _notices()[0]
    assert before.deadline == DUE
    with translation.override("vi"):
        text = before.text
    assert "2025" in text and certificate.number in text and "31/01/2026" in text and "còn 7 ngày" in text
    assert before.target_url == f"/products/certificates/{certificate.pk}/report/"

    assert notify.annual_report_reminders_send(today=DUE + datetime.timedelta(days=7)) == len(officers)
    with translation.override("vi"):
        assert "quá hạn 7 ngày" in _notices()[-1].text


def test_no_reminder_once_the_report_is_recorded_or_the_certificate_revoked(rules, certificate, tayninh_officer):
    services.annual_report_record(
        certificate=certificate, year=2025, business_situation="Ổn định, mở thêm một xưởng.", by=tayninh_officer
    )
    assert notify.annual_report_reminders_send(today=DUE + datetime.timedelta(days=7)) == 0
    # The next year's report is owed again; a revoked certificate owes nothing.
    next_due = datetime.date(2027, 1, 31)
    if certificate.valid_until.year >= 2026:
        assert notify.annual_report_reminders_send(today=next_due - datetime.timedelta(days=7)) > 0
    Certificate.objects.filter(pk=certificate.pk).update(revoked_on=datetime.date(2026, 6, 1), revocation_reason="x")
    assert notify.annual_report_reminders_send(today=next_due + datetime.timedelta(days=7)) == 0


def test_an_old_obligation_is_not_announced_anew(rules, certificate):
    # A first run long after the last rule's day (30 days + 14 of grace) tells no one about 2025.
    assert notify.annual_report_reminders_send(today=DUE + datetime.timedelta(days=45)) == 0
    assert notify.annual_report_reminders_send(today=DUE + datetime.timedelta(days=44)) > 0
