"""Independent scoring, hand-worked means and the threshold, and the council's selection."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from products import selectors, services
from products.models import Certificate, Mark, ScoreSheet
from products.tests import factories

pytestmark = pytest.mark.django_db


def judged_round(officer, prov, judges, *, entries=2, starts=None):
    kwargs = {"judging_starts": starts} if starts else {}
    if starts:
        kwargs["registration_deadline"] = starts
        kwargs["year"] = starts.year
    round_ = factories.make_round(by=officer, prov=prov, **kwargs)
    made = [factories.make_entry(round_=round_, by=officer, name=f"Sản phẩm {i + 1}") for i in range(entries)]
    factories.seat(round_=round_, by=officer, judges=judges)
    services.judging_open(round_=round_, by=officer)
    return round_, made


def recognised_round(officer, prov, judges, *, signed_on, starts=None):
    """Two entries; the first recognised (mean 80), the second not (mean 60)."""
    round_, entries = judged_round(officer, prov, judges, starts=starts or datetime.date(signed_on.year, 9, 1))
    for judge in judges:
        services.sheet_save(entry=entries[0], by=judge, points=factories.marks_for(round_, 32, 32, 8, 8), submit=True)
        services.sheet_save(entry=entries[1], by=judge, points=factories.marks_for(round_, 24, 24, 6, 6), submit=True)
    services.council_select(round_=round_, count=1, recognised=[entries[0].pk], promoted=[entries[0].pk], by=officer)
    services.recognition_issue(
        round_=round_,
        number="12/QĐ-UBND",
        signed_on=signed_on,
        signer_name="Nguyễn Văn A",
        signer_position="Phó Chủ tịch",
        by=officer,
    )
    for entry in entries:
        entry.refresh_from_db()
    round_.refresh_from_db()
    return round_, entries


def test_a_judge_cannot_read_other_marks_before_submitting(selection_rules, tayninh_officer, tay_ninh, judges):
    round_, (entry, _other) = judged_round(tayninh_officer, tay_ninh, judges)
    first, second = judges[0], judges[1]
    services.sheet_save(entry=entry, by=second, points=factories.marks_for(round_, 30, 30, 7, 7), submit=True)
    assert selectors.others_sheets_for(user=first, entry=entry) is None
    services.sheet_save(entry=entry, by=first, points=factories.marks_for(round_, 20, 20, 5, 5))  # a draft
    assert selectors.others_sheets_for(user=first, entry=entry) is None
    # Nor through the head judge's summary: the entry is withheld from a head judge who has not submitted.
    summary = selectors.score_summary(user=first, round_=round_)
    assert summary.hidden == 1 and summary.rows[0].mean is None
    services.sheet_save(entry=entry, by=first, points=factories.marks_for(round_, 20, 20, 5, 5), submit=True)
    others = selectors.others_sheets_for(user=first, entry=entry)
    assert [s.total for s in others] == [Decimal("74")]


def test_the_score_page_shows_others_only_after_submission(client, selection_rules, tayninh_officer, tay_ninh, judges):
    round_, (entry, _other) = judged_round(tayninh_officer, tay_ninh, judges)
    services.sheet_save(entry=entry, by=judges[1], points=factories.marks_for(round_, 31, 30, 7, 7), submit=True)
    client.force_login(judges[0])
    page = client.get(f"/products/entries/{entry.pk}/score/").content.decode()
    # The other judge's total as its cell, not the bare digits: a CSRF token or an input id (c275) may hold "75".
    other_total = '<td class="num">75</td>'
    assert other_total not in page and "judge1" not in page
    points = {f"c{pk}": str(v) for pk, v in factories.marks_for(round_, 20, 20, 5, 5).items()}
    response = client.post(f"/products/entries/{entry.pk}/score/", {**points, "action": "submit"})
    assert response.status_code == 302
    page = client.get(f"/products/entries/{entry.pk}/score/").content.decode()
    assert "judge1" in page and other_total in page


def test_over_maximum_negative_and_incomplete_sheets_are_refused_and_nothing_is_saved(
    selection_rules, tayninh_officer, tay_ninh, judges
):
    round_, (entry, _other) = judged_round(tayninh_officer, tay_ninh, judges)
    marks = factories.marks_for(round_, 41, 30, 5, 5)
    with pytest.raises(ValidationError) as refused:
        services.sheet_save(entry=entry, by=judges[0], points=marks, submit=True)
    assert "40" in str(refused.value)
    assert not Mark.objects.exists() and not ScoreSheet.objects.filter(submitted_at__isnull=False).exists()
    with pytest.raises(ValidationError):
        services.sheet_save(entry=entry, by=judges[0], points=factories.marks_for(round_, 30, -1, 5, 5))
    partial = dict(list(factories.marks_for(round_, 30, 30, 5, 5).items())[:3])
    with pytest.raises(ValidationError):
        services.sheet_save(entry=entry, by=judges[0], points=partial, submit=True)
    with pytest.raises(PermissionDenied):
        services.sheet_save(entry=entry, by=tayninh_officer, points=marks)


def test_a_submitted_sheet_is_final(selection_rules, tayninh_officer, tay_ninh, judges):
    round_, (entry, _other) = judged_round(tayninh_officer, tay_ninh, judges)
    services.sheet_save(entry=entry, by=judges[0], points=factories.marks_for(round_, 30, 30, 5, 5), submit=True)
    with pytest.raises(ValidationError):
        services.sheet_save(entry=entry, by=judges[0], points=factories.marks_for(round_, 40, 40, 10, 10), submit=True)


def test_means_threshold_and_spread_hand_worked(selection_rules, tayninh_officer, tay_ninh, judges):
    """Entry 1: totals 72.5, 68, 71 → mean 211.5 / 3 = 70.50 ≥ 70, spread 4.5.
    Entry 2: totals 85, 62, 62.5 → mean 209.5 / 3 = 69.83 < 70, spread 23 > 15: flagged."""
    round_, (one, two) = judged_round(tayninh_officer, tay_ninh, judges)
    sheets = {
        one.pk: [(30, 28.5, 7, 7), (28, 27, 6.5, 6.5), (29, 28, 7, 7)],
        two.pk: [(35, 34, 8, 8), (25, 25, 6, 6), (25, 25.5, 6, 6)],
    }
    for entry in (one, two):
        for judge, blocks in zip(judges, sheets[entry.pk], strict=True):
            services.sheet_save(entry=entry, by=judge, points=factories.marks_for(round_, *blocks), submit=True)
    summary = selectors.score_summary(user=tayninh_officer, round_=round_)
    first, second = summary.rows
    assert (first.mean, first.low, first.high, first.reaches_threshold) == (
        Decimal("70.50"),
        Decimal("68"),
        Decimal("72.5"),
        True,
    )
    assert first.spread == Decimal("4.5") and not first.wide_spread
    assert (second.mean, second.reaches_threshold, second.spread, second.wide_spread) == (
        Decimal("69.83"),
        False,
        Decimal("23"),
        True,
    )
    assert summary.qualifying == 1 and summary.complete == 2


def test_an_entry_missing_a_sheet_does_not_reach_the_threshold(selection_rules, tayninh_officer, tay_ninh, judges):
    round_, (one, _two) = judged_round(tayninh_officer, tay_ninh, judges)
    for judge in judges[:2]:
        services.sheet_save(entry=one, by=judge, points=factories.marks_for(round_, 40, 40, 10, 10), submit=True)
    row = selectors.score_summary(user=tayninh_officer, round_=round_).rows[0]
    assert row.mean == 100 and row.sheets == 2 and not row.reaches_threshold


def test_the_council_chooses_how_many_and_which_among_those_reaching_the_threshold(
    selection_rules, tayninh_officer, tay_ninh, judges
):
    round_, entries = judged_round(tayninh_officer, tay_ninh, judges, entries=3)
    for entry, blocks in zip(entries, [(32, 32, 8, 8), (30, 30, 7, 7), (20, 20, 5, 5)], strict=True):
        for judge in judges:
            services.sheet_save(entry=entry, by=judge, points=factories.marks_for(round_, *blocks), submit=True)
    a, b, c = entries  # means 80, 74, 50
    with pytest.raises(ValidationError) as below:
        services.council_select(round_=round_, count=2, recognised=[a.pk, c.pk], promoted=[], by=tayninh_officer)
    assert c.code in str(below.value)
    with pytest.raises(ValidationError):  # the count decided must match the entries ticked
        services.council_select(round_=round_, count=2, recognised=[a.pk], promoted=[], by=tayninh_officer)
    with pytest.raises(ValidationError):  # only recognised entries go up
        services.council_select(round_=round_, count=1, recognised=[a.pk], promoted=[b.pk], by=tayninh_officer)
    # Necessary, not sufficient: b reaches 70 but the council recognises one entry only.
    services.council_select(round_=round_, count=1, recognised=[a.pk], promoted=[a.pk], by=tayninh_officer)
    for entry in entries:
        entry.refresh_from_db()
    assert [e.recognised for e in entries] == [True, False, False] and a.promoted
    services.recognition_issue(
        round_=round_,
        number="5/QĐ-UBND",
        signed_on=datetime.date(2026, 9, 10),
        signer_name="Trần B",
        signer_position="Phó Chủ tịch UBND tỉnh",
        by=tayninh_officer,
    )
    cert = Certificate.objects.get()
    assert cert.entry == a and cert.serial == 1 and cert.valid_until == datetime.date(2028, 12, 31)
    assert cert.number.startswith("001/2026/")


def test_the_council_cannot_select_before_every_sheet_is_in(selection_rules, tayninh_officer, tay_ninh, judges):
    round_, (one, _two) = judged_round(tayninh_officer, tay_ninh, judges)
    services.sheet_save(entry=one, by=judges[0], points=factories.marks_for(round_, 40, 40, 10, 10), submit=True)
    with pytest.raises(ValidationError):
        services.council_select(round_=round_, count=0, recognised=[], promoted=[], by=tayninh_officer)
