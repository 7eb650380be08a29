import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from periods import selectors as period_selectors
from projects import services
from projects.entry_periods import period_key
from projects.models import Project, Status
from projects.tests import factories

pytestmark = pytest.mark.django_db


def test_officer_gets_404_for_another_provinces_project_on_every_page(
    client, cantho_officer, tayninh_officer, tayninh_project
):
    pk = tayninh_project.pk
    pages = [
        ("get", reverse("projects:detail", args=[pk])),
        ("get", reverse("projects:edit", args=[pk])),
        ("get", reverse("projects:history", args=[pk])),
        ("post", reverse("projects:transition", args=[pk, "submit"])),
        ("post", reverse("projects:money_add", args=[pk])),
        ("post", reverse("projects:attachment_upload", args=[pk])),
        ("post", reverse("projects:money_correct", args=[pk, 1])),
        ("post", reverse("projects:grid_row_save", args=[period_key(period_selectors.current_quarter()), pk])),
    ]
    client.force_login(cantho_officer)
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 404, url
    client.force_login(tayninh_officer)
    for method, url in pages[:3]:
        assert getattr(client, method)(url).status_code == 200, url


def test_list_and_export_show_only_the_officers_province(
    client, tayninh_officer, cantho_officer, tayninh_project, cantho_project
):
    client.force_login(cantho_officer)
    html = client.get(reverse("projects:list")).content.decode()
    assert cantho_project.code in html and tayninh_project.code not in html
    export = client.get(reverse("projects:export"))
    assert export.status_code == 200
    assert cantho_project.code.encode() not in b"" and export["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).active
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {cantho_project.code}


def test_ministry_staff_see_every_province(client, ministry_staff, tayninh_project, cantho_project):
    client.force_login(ministry_staff)
    html = client.get(reverse("projects:list")).content.decode()
    assert tayninh_project.code in html and cantho_project.code in html


def test_list_filters_and_diacritic_free_search(client, cantho_officer, cantho_project):
    other = factories.make_project(by=cantho_officer, title="Hội chợ sản phẩm CNNT", activity="KC07", fund="national")
    client.force_login(cantho_officer)
    page = client.get(reverse("projects:list"), {"q": "hau giang"})
    assert list(page.context["page"]) == [cantho_project]
    page = client.get(reverse("projects:list"), {"fund": "national"})
    assert list(page.context["page"]) == [other]
    page = client.get(reverse("projects:list"), {"status": "proposed", "order": "-code"})
    assert [p.code for p in page.context["page"]] == sorted([cantho_project.code, other.code], reverse=True)


def test_list_query_count_does_not_grow(client, ministry_staff, tayninh_officer, django_assert_max_num_queries):
    for index in range(3):
        factories.make_project(by=tayninh_officer, title=f"Đề án {index}")
    client.force_login(ministry_staff)
    # session, user, count, page of projects (with province, activity, unit and money subqueries), the total
    # row (support, disbursed), province and activity choices of the filter form, session touch
    with django_assert_max_num_queries(11):
        client.get(reverse("projects:list"))
    for index in range(30):
        factories.make_project(by=tayninh_officer, title=f"Đề án thêm {index}")
    with django_assert_max_num_queries(11):
        response = client.get(reverse("projects:list"))
    assert response.context["page"].paginator.count == 33


def test_create_form_reports_errors_in_vietnamese_and_saves_nothing(client, tayninh_officer):
    client.force_login(tayninh_officer)
    form = {
        "title": "Đề án thử",
        "province": tayninh_officer.unit.province.pk,
        "implementing_unit": tayninh_officer.unit.pk,
        "plan_year": 2026,
        "fund": "local",
        "activity": factories.ActivityContent.objects.get(code="KC03").pk,
        "start_date": "2026-05-01",
        "end_date": "2026-04-01",
        "approved_support": "-1",
        "counterpart": "0",
        "other_sources": "0",
    }
    response = client.post(reverse("projects:create"), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số tiền không được âm" in html  # read by khuyencong.numbers, beside the field
    assert Project.objects.count() == 0
    form.update(approved_support="150.000.000", start_date="01/05/2026", end_date="01/04/2026")
    html = client.post(reverse("projects:create"), form).content.decode()
    assert "Ngày kết thúc không được trước ngày bắt đầu" in html
    assert Project.objects.count() == 0
    form.update(end_date="2026-11-30", approved_support="150000000")
    response = client.post(reverse("projects:create"), form)
    assert response.status_code == 302
    assert Project.objects.get().approved_support == 150_000_000


def test_second_save_of_the_same_project_is_refused_with_a_message(client, tayninh_officer, tayninh_project):
    client.force_login(tayninh_officer)
    url = reverse("projects:edit", args=[tayninh_project.pk])
    form = client.get(url).context["form"]
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields) if field.value() is not None}
    data.update(
        {
            "province": tayninh_project.province_id,
            "implementing_unit": tayninh_project.implementing_unit_id,
            "activity": tayninh_project.activity_id,
        }
    )
    data.pop("is_pilot", None), data.pop("is_group", None), data.pop("is_inter_provincial", None)
    first = client.post(url, {**data, "title": "Bản của người thứ nhất"})
    assert first.status_code == 302
    second = client.post(url, {**data, "title": "Bản của người thứ hai"})
    assert second.status_code == 200
    assert "Người khác đã lưu đề án này" in second.content.decode()
    tayninh_project.refresh_from_db()
    assert tayninh_project.title == "Bản của người thứ nhất"


def test_transition_buttons_follow_the_role(client, tayninh_officer, tayninh_approver, tayninh_project):
    client.force_login(tayninh_officer)
    client.post(reverse("projects:transition", args=[tayninh_project.pk, "submit"]))
    response = client.post(reverse("projects:transition", args=[tayninh_project.pk, "approve"]), follow=True)
    assert "Vai trò của bạn không được" in response.content.decode()
    client.force_login(tayninh_approver)
    client.post(reverse("projects:transition", args=[tayninh_project.pk, "approve"]))
    tayninh_project.refresh_from_db()
    assert tayninh_project.status == Status.APPROVED


def test_attachment_download_is_scoped(client, tayninh_officer, cantho_officer, tayninh_project):
    client.force_login(tayninh_officer)
    client.post(
        reverse("projects:attachment_upload", args=[tayninh_project.pk]),
        {"kind": "acceptance", "file": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test")},
    )
    attachment = tayninh_project.attachments.get()
    url = reverse("projects:attachment", args=[attachment.pk])
    client.force_login(cantho_officer)
    assert client.get(url).status_code == 404
    client.force_login(tayninh_officer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Cache-Control"] == "private, no-store"


def test_an_empty_attachment_is_told_it_is_empty(client, tayninh_officer, tayninh_project):
    client.force_login(tayninh_officer)
    url = reverse("projects:attachment_upload", args=[tayninh_project.pk])
    response = client.post(url, {"kind": "photo", "file": SimpleUploadedFile("anh.jpg", b"")}, follow=True)
    assert "Tệp rỗng, không có nội dung" in response.content.decode()
    response = client.post(url, {"kind": "photo"}, follow=True)  # no file at all: the other message
    assert "Hãy chọn tệp và loại tài liệu." in response.content.decode()
    assert tayninh_project.attachments.count() == 0


def test_disguised_upload_is_refused_with_a_message(client, tayninh_officer, tayninh_project):
    client.force_login(tayninh_officer)
    response = client.post(
        reverse("projects:attachment_upload", args=[tayninh_project.pk]),
        {"kind": "photo", "file": SimpleUploadedFile("anh.jpg", b"#!/bin/sh\nrm -rf /")},
        follow=True,
    )
    assert "Chỉ chấp nhận tệp PDF, JPEG, PNG, Word" in response.content.decode()
    assert tayninh_project.attachments.count() == 0


def test_history_page_shows_old_and_new_values(client, ministry_staff, tayninh_officer, tayninh_project):
    services.project_update(
        project=tayninh_project, by=tayninh_officer, data={"title": "Tên đã sửa"}, expected_version=1
    )
    client.force_login(ministry_staff)
    html = client.get(reverse("projects:history", args=[tayninh_project.pk])).content.decode()
    assert "Hỗ trợ máy sấy nông sản" in html and "Tên đã sửa" in html and "tn.officer" in html


def test_adjustment_shows_old_and_new_to_the_approver(client, tayninh_officer, tayninh_approver, tayninh_project):
    project = factories.approve(tayninh_project, officer=tayninh_officer, approver=tayninh_approver)
    services.project_update(
        project=project,
        by=tayninh_officer,
        data={"end_date": datetime.date(2026, 12, 12)},
        expected_version=project.version,
        reason="Gia hạn do mưa lũ",
    )
    client.force_login(tayninh_approver)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "2026-10-31" in html and "2026-12-12" in html and "Gia hạn do mưa lũ" in html
    adjustment = project.adjustments.get()
    client.post(reverse("projects:adjustment_decide", args=[project.pk, adjustment.pk]), {"decision": "approve"})
    project.refresh_from_db()
    assert project.end_date == datetime.date(2026, 12, 12) and project.status == Status.IN_PROGRESS


def test_province_filter_includes_the_provinces_merged_into_it(client, ministry_staff, tayninh_officer):
    long_an = factories.province(80, 2004)
    old = factories.make_project(by=tayninh_officer, prov=long_an, title="Đề án Long An cũ")
    new = factories.make_project(by=tayninh_officer, title="Đề án Tây Ninh mới")
    client.force_login(ministry_staff)
    page = client.get(reverse("projects:list"), {"province": new.province_id}).context["page"]
    assert {p.pk for p in page} == {old.pk, new.pk}
    page = client.get(reverse("projects:list"), {"province": long_an.pk}).context["page"]
    assert [p.pk for p in page] == [old.pk]


def test_the_detail_page_sums_its_entries_and_pins_its_queries(
    client, tayninh_officer, tayninh_approver, django_assert_max_num_queries
):
    """The money box is summed from the prefetched entries (the figures with_money gives), the steps' and
    adjustments' authors come with them, and more entries, steps or documents add no query."""
    from projects import selectors

    project = factories.approve(
        factories.make_project(by=tayninh_officer, support=100_000_000),
        officer=tayninh_officer,
        approver=tayninh_approver,
    )
    client.force_login(tayninh_officer)
    client.get(reverse("projects:detail", args=[project.pk]))  # the first page after the login saves the session

    def add(kind, amount, day):
        return services.money_entry_add(project=project, by=tayninh_officer, kind=kind, amount=amount, date=day)

    def page():
        # 14: session, user; the province family (2); the project with its joins; beneficiaries, partners,
        # decisions, money, progress, documents, steps with their authors, adjustments; the unit's names.
        # Before: 16 with any step (their authors apart) and the money box's own query.
        with django_assert_max_num_queries(14):
            response = client.get(reverse("projects:detail", args=[project.pk]))
        money = selectors.with_money(selectors.project_list_for(user=tayninh_officer).filter(pk=project.pk)).get()
        shown = response.context["money"]
        assert (shown["advanced"], shown["disbursed"], shown["settled"]) == (
            money.advanced,
            money.disbursed,
            money.settled,
        )
        return response.content.decode()

    html = page()
    assert '<dd id="disbursed">0 đ</dd>' in html
    add("advance", 10_000_000, datetime.date(2026, 3, 2))
    wrong = add("disbursement", 30_000_000, datetime.date(2026, 4, 1))
    add("disbursement", 5_000_000, datetime.date(2026, 5, 1))
    services.money_entry_correct(entry=wrong, by=tayninh_officer, amount="20.000.000", reason="Gõ nhầm")
    services.decision_record(
        project=project, by=tayninh_officer, kind="contract", number="12/HĐ", date=datetime.date(2026, 3, 1)
    )
    html = page()
    assert '<dd id="disbursed">15.000.000 đ</dd>' in html and "10.000.000 đ" in html
    assert str(tayninh_approver) in html  # the approval step's author, selected with the steps


def test_the_blank_forms_are_written_as_the_template_engine_writes_them(rf):
    """blank_fields_html caches the project page's empty forms: the same HTML as looping over their fields
    in a template, in either language."""
    from django.template import Context, Template
    from django.utils import translation

    from projects.forms import AttachmentForm, DecisionForm, MoneyEntryForm, blank_fields_html

    loop = Template(
        '{% for field in form %}<p><label for="{{ field.id_for_label }}">{{ field.label }}</label>{{ field }}</p>'
        "{% endfor %}"
    )
    for language in ("vi", "en"):
        with translation.override(language):
            for form_class in (MoneyEntryForm, AttachmentForm, DecisionForm):
                assert blank_fields_html(form_class) == loop.render(Context({"form": form_class()}))
    with translation.override("en"):
        assert "Amount (VND)" in blank_fields_html(MoneyEntryForm)
    with translation.override("vi"):
        assert "Amount (VND)" not in blank_fields_html(MoneyEntryForm)
