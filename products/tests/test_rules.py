"""The numbers of the circular are data: the score sheet, the threshold, council sizes, certificate years,
complaint windows and public holidays come from rows, and a round may refine its own sheet."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from products import rules, services
from products.models import Criterion, PublicHoliday, SelectionRule
from products.tests import factories

pytestmark = pytest.mark.django_db


def test_the_rules_load_once_with_the_four_blocks_of_100_points(selection_rules):
    rule = rules.rule_in_force(datetime.date(2022, 6, 1))
    assert [b.max_points for b in rule.blocks.order_by("order")] == [40, 40, 10, 10]
    assert rule.threshold == 70
    again = services.rules_load()
    assert again[0] == 2 and SelectionRule.objects.count() == 2
    assert rules.rule_in_force(datetime.date(2025, 7, 1)).legal_basis.endswith("38/2025/TT-BCT")


def test_a_round_takes_its_sheet_and_threshold_from_the_rule_in_force(selection_rules, tayninh_officer, tay_ninh):
    rule = rules.rule_in_force(datetime.date(2026, 9, 1))
    rule.threshold = Decimal("75")  # a later circular raising the bar is a data change
    rule.save()
    round_ = factories.make_round(by=tayninh_officer, prov=tay_ninh)
    assert round_.threshold == Decimal("75")
    assert sum(c.max_points for c in Criterion.objects.filter(block__round=round_)) == 100


def test_a_round_refines_a_block_into_bands_that_must_add_up(selection_rules, tayninh_officer, tay_ninh):
    round_ = factories.make_round(by=tayninh_officer, prov=tay_ninh)
    with pytest.raises(ValidationError) as refused:
        services.rubric_refine(
            round_=round_,
            block_code="market",
            bands=[{"name_vi": "Thị trường", "max_points": 20}, {"name_vi": "Quy mô", "max_points": 15}],
            by=tayninh_officer,
        )
    assert "35" in str(refused.value) and "40" in str(refused.value)
    services.rubric_refine(
        round_=round_,
        block_code="market",
        bands=[
            {"name_vi": "Thị trường tiêu thụ", "max_points": "25"},
            {"name_vi": "Khả năng mở rộng sản xuất", "max_points": "15"},
        ],
        by=tayninh_officer,
    )
    criteria = list(Criterion.objects.filter(block__round=round_).order_by("block__order", "order"))
    assert [c.max_points for c in criteria] == [25, 15, 40, 10, 10]
    # The other round of the same rule keeps the four blocks: the bands belong to this round.
    other = factories.make_round(by=tayninh_officer, prov=tay_ninh, year=2027)
    assert Criterion.objects.filter(block__round=other).count() == 4


def test_a_round_with_a_different_threshold_and_bands_qualifies_by_its_own_numbers(
    selection_rules, tayninh_officer, tay_ninh, judges
):
    round_ = factories.make_round(by=tayninh_officer, prov=tay_ninh)
    services.rubric_refine(
        round_=round_,
        block_code="culture",
        bands=[{"name_vi": "Văn hóa", "max_points": 6}, {"name_vi": "Thẩm mỹ", "max_points": 4}],
        by=tayninh_officer,
    )
    services.threshold_set(round_=round_, threshold=Decimal("80"), by=tayninh_officer)
    entry = factories.make_entry(round_=round_, by=tayninh_officer)
    factories.seat(round_=round_, by=tayninh_officer, judges=judges)
    services.judging_open(round_=round_, by=tayninh_officer)
    for judge in judges:  # 35 + 35 + 4 + 2 + 9 = 85 and the cap of a 4-point band holds
        services.sheet_save(entry=entry, by=judge, points=factories.marks_for(round_, 35, 35, 4, 2, 9), submit=True)
    from products.selectors import score_summary

    row = score_summary(user=tayninh_officer, round_=round_).rows[0]
    assert row.mean == Decimal("85.00") and row.reaches_threshold
    with pytest.raises(ValidationError):
        services.threshold_set(round_=round_, threshold=Decimal("70"), by=tayninh_officer)


def test_council_and_panel_sizes_are_checked_before_judging(selection_rules, tayninh_officer, tay_ninh, judges):
    round_ = factories.make_round(by=tayninh_officer, prov=tay_ninh)
    factories.make_entry(round_=round_, by=tayninh_officer)
    factories.seat(round_=round_, by=tayninh_officer, judges=judges[:2], council=8)
    with pytest.raises(ValidationError) as refused:
        services.judging_open(round_=round_, by=tayninh_officer)
    text = " ".join(refused.value.messages)
    assert "7 hoặc 9" in text and "8 thành viên" in text  # province council: 7 or 9 members (data)
    assert "số lẻ" in text  # two judges: the panel must be odd
    services.judge_add(round_=round_, user=judges[2], role="member", by=tayninh_officer)
    round_.council.last().delete()
    assert services.judging_open(round_=round_, by=tayninh_officer).status == "judging"


@pytest.mark.parametrize(
    ("issued", "until"),
    [
        (datetime.date(2022, 6, 15), datetime.date(2024, 12, 31)),  # the circular's example
        (datetime.date(2022, 1, 1), datetime.date(2024, 12, 31)),
        (datetime.date(2022, 12, 31), datetime.date(2024, 12, 31)),  # issued on New Year's Eve: still 3 years
        (datetime.date(2023, 1, 1), datetime.date(2025, 12, 31)),
    ],
)
def test_certificate_validity_counts_the_issue_year(issued, until):
    assert rules.certificate_valid_until(issued_on=issued, years=3) == until


def test_a_certificate_is_valid_to_the_last_day_and_not_after(selection_rules, tayninh_officer, tay_ninh, judges):
    from products.tests.test_scoring import recognised_round

    round_, entries = recognised_round(tayninh_officer, tay_ninh, judges, signed_on=datetime.date(2026, 12, 31))
    cert = entries[0].certificate
    assert cert.valid_until == datetime.date(2028, 12, 31)
    assert cert.valid_on(datetime.date(2028, 12, 31)) and not cert.valid_on(datetime.date(2029, 1, 1))
    assert not cert.valid_on(datetime.date(2026, 12, 30))


def test_working_days_skip_weekends_and_public_holidays_as_data(db):
    # Friday 28/08/2026 + 3 working days: Mon 31/08, then 01/09 and 02/09 are Quốc khánh, so Thu 03/09, Fri 04/09.
    start = datetime.date(2026, 8, 28)
    assert rules.add_working_days(start, 3, holidays=set()) == datetime.date(2026, 9, 2)
    PublicHoliday.objects.create(day=datetime.date(2026, 9, 1), name="Quốc khánh")
    PublicHoliday.objects.create(day=datetime.date(2026, 9, 2), name="Quốc khánh")
    assert rules.add_working_days(start, 3) == datetime.date(2026, 9, 4)


def test_the_complaint_deadline_runs_over_a_public_holiday(selection_rules, tayninh_officer, tay_ninh, judges):
    from products.tests.test_scoring import recognised_round

    PublicHoliday.objects.all().delete()
    PublicHoliday.objects.create(day=datetime.date(2026, 4, 30), name="Ngày Giải phóng miền Nam")
    PublicHoliday.objects.create(day=datetime.date(2026, 5, 1), name="Ngày Quốc tế Lao động")
    # Results on Monday 20/04/2026. 15 working days: 21–24/4 (4), 27–29/4 (3), [30/4, 1/5 off], 4–8/5 (5),
    # 11–13/5 (3) → the window closes on Wednesday 13/05 (not 11/05, as it would without the holidays).
    round_, entries = recognised_round(
        tayninh_officer, tay_ninh, judges, signed_on=datetime.date(2026, 4, 20), starts=datetime.date(2026, 4, 1)
    )
    from products.selectors import complaint_deadline

    assert complaint_deadline(round_=round_) == datetime.date(2026, 5, 13)
    complaint = services.complaint_file(
        round_=round_,
        complainant="Cơ sở A",
        received_on=datetime.date(2026, 5, 13),
        text="Điểm chưa thỏa đáng",
        entry=entries[1],
        by=tayninh_officer,
    )
    # Resolution within 10 working days of receipt: 14/05 … 27/05.
    assert complaint.resolve_by == datetime.date(2026, 5, 27)
    with pytest.raises(ValidationError) as late:
        services.complaint_file(
            round_=round_,
            complainant="Cơ sở B",
            received_on=datetime.date(2026, 5, 14),
            text="Quá hạn",
            by=tayninh_officer,
        )
    assert "13/05/2026" in str(late.value)
    services.complaint_resolve(
        complaint=complaint,
        outcome="dismissed",
        resolution="Giữ nguyên kết quả",
        resolved_on=datetime.date(2026, 5, 20),
        by=tayninh_officer,
    )
    cert = entries[0].certificate
    services.certificate_revoke(
        certificate=cert,
        reason="Sản phẩm không giữ chất lượng",
        revoked_on=datetime.date(2026, 6, 1),
        by=tayninh_officer,
    )
    cert.refresh_from_db()
    assert not cert.valid_on(datetime.date(2026, 6, 1)) and cert.valid_on(datetime.date(2026, 5, 31))
    with pytest.raises(ValidationError):
        services.certificate_revoke(
            certificate=cert, reason="", revoked_on=datetime.date(2026, 6, 2), by=tayninh_officer
        )


def test_the_funding_project_must_come_from_the_fund_of_the_level(
    selection_rules, tayninh_officer, tayninh_approver, ministry_staff, tay_ninh
):
    from projects.tests import factories as project_factories

    local = project_factories.make_project(by=tayninh_officer, title="Bình chọn sản phẩm CNNT tiêu biểu 2026")
    with pytest.raises(ValidationError) as refused:
        factories.make_round(by=ministry_staff, level="region", project=local)
    assert "project" in refused.value.message_dict
    round_ = factories.make_round(by=tayninh_officer, prov=tay_ninh, project=local)
    assert round_.project == local
    national = project_factories.make_project(by=tayninh_officer, fund="national", title="Bình chọn cấp khu vực")
    with pytest.raises(ValidationError):
        factories.make_round(by=tayninh_officer, prov=tay_ninh, year=2027, project=national)
