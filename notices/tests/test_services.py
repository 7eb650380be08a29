"""Notices: once per event and person, the e-mail at once or in one daily digest, preferences, retries."""

import datetime
import smtplib

import pytest
from django.utils import timezone
from freezegun import freeze_time

from notices import selectors, services, tasks
from notices.models import DigestLog, Notice, Preference

pytestmark = pytest.mark.django_db


def tell(users, key="test.event:1", *, legal=False, **extra):
    return services.notify(
        recipients=users,
        kind="test.event",
        message="Report %(period)s was returned",
        params={"period": "Quý 3/2026"},
        event_key=key,
        target_url="/reports/1/",
        target_label="Quý 3/2026 · Tây Ninh",
        legal=legal,
        **extra,
    )


@pytest.fixture
def people(tayninh_officer, tayninh_approver):
    tayninh_officer.email, tayninh_approver.email = "officer@example.vn", "approver@example.vn"
    tayninh_officer.save()
    tayninh_approver.save()
    return tayninh_officer, tayninh_approver


def test_an_event_tells_each_person_once_and_not_the_one_who_caused_it(people, mailoutbox):
    officer, approver = people
    with_actor = tell([officer, approver], exclude=approver)
    assert [n.recipient for n in with_actor] == [officer]
    assert tell([officer, approver], exclude=approver) == []  # the same event again: nothing new
    assert Notice.objects.count() == 1
    tasks.notices_email.delay()  # on_commit does not fire inside a test transaction: send it ourselves
    tasks.notices_email.delay()
    assert [m.to for m in mailoutbox] == [["officer@example.vn"]]
    assert "Quý 3/2026" in mailoutbox[0].subject and "http://127.0.0.1:8000/reports/1/" in mailoutbox[0].body


def test_a_failed_send_is_retried_and_sends_nothing_twice(people, mailoutbox, monkeypatch):
    officer, _approver = people
    tell([officer])
    real = services.send_mail
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", flaky)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.notices_email()  # the task retries on this (an OSError): test_worker.py shows it on a worker
    assert Notice.objects.get().email == Notice.Email.PENDING  # put back, not lost and not marked sent
    assert services.notices_email() == 1  # the retry
    assert len(calls) == 2 and len(mailoutbox) == 1
    tasks.notices_email.delay()  # a duplicate delivery of the task finds nothing to send
    assert len(mailoutbox) == 1
    notice = Notice.objects.get()
    assert notice.email == Notice.Email.SENT and notice.emailed_at is not None


def test_a_claim_left_by_a_dead_worker_is_taken_again_later(people, mailoutbox):
    officer, _approver = people
    tell([officer])
    with freeze_time("2026-11-28 08:00:00+07:00"):
        Notice.objects.update(email=Notice.Email.SENDING, email_claimed_at=timezone.now())
    with freeze_time("2026-11-28 08:05:00+07:00"):
        assert services.notices_email() == 0  # another worker may still be sending it
    with freeze_time("2026-11-28 08:11:00+07:00"):
        assert services.notices_email() == 1
    assert len(mailoutbox) == 1


def test_a_daily_digest_gathers_the_days_notices_in_one_mail(people, mailoutbox):
    officer, approver = people
    services.preference_set(user=officer, delivery=Preference.Delivery.DIGEST)
    tell([officer, approver], key="a")
    tell([officer], key="b")
    services.notices_email()
    assert [m.to for m in mailoutbox] == [["approver@example.vn"]]  # the approver wants each at once
    day = datetime.date(2026, 11, 28)
    assert services.digests_send(today=day) == 1
    assert services.digests_send(today=day) == 0  # one digest a day, however often the task runs
    digest = mailoutbox[-1]
    assert digest.to == ["officer@example.vn"] and "28/11/2026" in digest.subject
    assert digest.body.count("Quý 3/2026") == 2
    tell([officer], key="c")
    assert services.digests_send(today=day) == 0  # the next one waits for tomorrow
    assert services.digests_send(today=day + datetime.timedelta(days=1)) == 1
    assert DigestLog.objects.filter(user=officer).count() == 2
    assert len(mailoutbox) == 3


def test_no_notices_means_none_except_legal_deadline_reminders(people, mailoutbox):
    officer, _approver = people
    services.preference_set(user=officer, delivery=Preference.Delivery.NONE)
    assert tell([officer], key="decision") == []
    [reminder] = tell([officer], key="deadline", legal=True)
    assert reminder.email == Notice.Email.SKIPPED
    services.notices_email()
    services.digests_send()
    assert mailoutbox == []
    assert selectors.unread_count(user=officer) == 1


def test_switching_from_digest_to_immediate_sends_what_was_waiting(people, mailoutbox):
    officer, _approver = people
    services.preference_set(user=officer, delivery=Preference.Delivery.DIGEST)
    tell([officer])
    assert services.notices_email() == 0
    services.preference_set(user=officer, delivery=Preference.Delivery.IMMEDIATE)
    assert services.notices_email() == 1 and len(mailoutbox) == 1


def test_a_person_without_an_address_still_sees_the_notice(tayninh_officer, mailoutbox):
    [notice] = tell([tayninh_officer])
    assert notice.email == Notice.Email.SKIPPED
    assert services.notices_email() == 0 and selectors.unread_count(user=tayninh_officer) == 1


def test_an_address_the_server_refuses_does_not_hold_back_the_others(people, mailoutbox, monkeypatch):
    officer, approver = people
    tell([officer, approver])
    real = services.send_mail

    def refuse_the_officer(subject, body, sender, to, **kwargs):
        if to == ["officer@example.vn"]:
            raise smtplib.SMTPRecipientsRefused({"officer@example.vn": (550, b"no such user")})
        return real(subject, body, sender, to, **kwargs)

    monkeypatch.setattr(services, "send_mail", refuse_the_officer)
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        services.notices_email()  # raised after the loop, so the task retries the one put back
    assert [m.to for m in mailoutbox] == [["approver@example.vn"]]
    for _attempt in range(services.MAX_ATTEMPTS - 1):
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            services.notices_email()
    refused = Notice.objects.get(recipient=officer)
    assert refused.email == Notice.Email.FAILED and refused.email_attempts == services.MAX_ATTEMPTS
    assert "SMTPRecipientsRefused" in refused.email_error
    assert services.notices_email() == 0  # given up: it stays in the portal, unread
    assert selectors.unread_count(user=officer) == 1 and len(mailoutbox) == 1
