"""The small confusions users tripped on (issue 20), each checked where it showed: one test per confusion."""

import datetime
import logging
import re
import warnings

import pytest
from django import forms
from django.conf import settings
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse
from django.utils import timezone, translation

from conferences import services as conference_services
from conferences.models import Conference
from projects.models import Status
from projects.tests import factories
from provinces.models import CodeSet, Province
from reports import services as report_services
from reports.models import Report
from reports.templatetags.dashboard import points

pytestmark = pytest.mark.django_db


def test_the_xii_conference_does_not_say_tay_ninh_is_now_part_of_tay_ninh(client, tayninh_officer):
    conference_services.conferences_load()
    xii = Conference.objects.get(region__code="southern", year=2022)
    client.force_login(tayninh_officer)
    page = client.get(reverse("conferences:detail", args=[xii.pk])).content.decode()
    assert "nay thuộc Tây Ninh" not in page
    assert "Tây Ninh (tỉnh trước khi sáp nhập năm 2025)" in page
    xiii = Conference.objects.get(region__code="southern", year=2023)  # Hậu Giang: a real change of name
    assert "(nay thuộc Thành phố Cần Thơ)" in client.get(reverse("conferences:detail", args=[xiii.pk])).content.decode()


def test_a_change_that_rounds_to_zero_has_no_arrow():
    with translation.override("vi"):
        assert points(-0.04) == points(0.04) == points(0) == "= 0 điểm"
        assert points(-0.05) == "▼ −0,1 điểm"
        assert points(3.21) == "▲ +3,2 điểm"


def test_validation_messages_have_no_space_before_the_full_stop():
    with translation.override("vi"):
        field = forms.IntegerField(max_value=100, min_value=0)
        for bad, expected in (
            (101, "Giá trị phải nhỏ hơn hoặc bằng 100."),
            (-1, "Giá trị phải lớn hơn hoặc bằng 0."),
        ):
            with pytest.raises(forms.ValidationError) as refused:
                field.clean(bad)
            assert refused.value.messages == [expected]


def test_reason_boxes_are_labelled_with_their_action(client, tayninh_officer, tayninh_approver):
    project = factories.make_project(by=tayninh_officer)
    from projects import services

    services.project_transition(project=project, action="submit", by=tayninh_officer)
    client.force_login(tayninh_approver)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert '<label for="reason-reject">Lý do không duyệt</label>' in page
    assert '<label for="reason-cancel">Lý do hủy đề án</label>' in page
    assert re.search(r'<button[^>]*data-confirm="Phê duyệt đề án này\?[^"]*"[^>]*>Phê duyệt</button>', page)


def test_the_new_project_form_asks_no_reason_and_shows_no_dashes(client, tayninh_officer):
    client.force_login(tayninh_officer)
    page = client.get(reverse("projects:create")).content.decode()
    assert "---------" not in page
    assert 'name="reason"' not in page and "Lý do thay đổi" not in page
    assert "Chọn nguồn kinh phí" in page and "Chọn nội dung hoạt động" in page
    project = factories.make_project(by=tayninh_officer)
    edit = client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert 'name="reason"' in edit and "---------" not in edit  # an edit may need a reason


def test_the_reports_page_offers_years_and_periods_as_lists(client, ministry_staff):
    client.force_login(ministry_staff)
    page = client.get(reverse("reports:list"), {"year": 2025, "period": "nine"}).content.decode()
    assert re.search(r'<select name="year"[^>]*>', page) and re.search(r'<select name="period"[^>]*>', page)
    assert '<option value="nine" selected>9 tháng đầu năm</option>' in page
    assert '<option value="2025" selected>2025</option>' in page
    assert 'name="number"' not in page  # no quarter "1" left beside "9 tháng"
    assert "9 tháng đầu năm 2025" in page
    legacy = client.get(reverse("reports:list"), {"year": 2026, "kind": "quarter", "number": 3})
    assert (legacy.context["period"].kind, legacy.context["period"].number) == ("quarter", 3)


def test_forgotten_password_is_reset_by_e_mail_in_vietnamese(client, tayninh_officer):
    tayninh_officer.email = "canbo@tayninh.gov.vn"
    tayninh_officer.save()
    login = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">Quên mật khẩu?</a>' in login
    response = client.post(reverse("password_reset"), {"email": "canbo@tayninh.gov.vn"})
    assert response.status_code == 302
    assert "Kiểm tra hộp thư" in client.get(response["Location"]).content.decode()
    client.post(reverse("password_reset"), {"email": "nobody@example.com"})  # unknown: same answer, no mail
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["canbo@tayninh.gov.vn"]
    assert message.subject == "Đặt mật khẩu mới trên cổng thông tin khuyến công"
    assert "Tên đăng nhập của bạn: tn.officer" in message.body
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in form.content.decode()
    new = "máy sấy nông sản 2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert "Mật khẩu của bạn đã được thay đổi" in done.content.decode()
    tayninh_officer.refresh_from_db()
    assert tayninh_officer.check_password(new)
    again = client.get(link, follow=True).content.decode()
    assert "Liên kết này không còn hiệu lực" in again  # the link works once


def test_the_account_page_links_the_api_tokens(client, tayninh_officer):
    client.force_login(tayninh_officer)
    page = client.get(reverse("account:profile")).content.decode()
    assert f'<a href="{reverse("api:tokens")}" id="api-tokens-link">' in page


def test_the_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_first_request_gives_no_whitenoise_warning(client):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        WSGIHandler()  # builds the middleware, whitenoise's scan of STATIC_ROOT included
    assert [str(w.message) for w in caught if "No directory at" in str(w.message)] == []
    assert settings.STATIC_ROOT.is_dir()


def test_each_generated_report_is_logged_at_info(caplog, tayninh_officer):
    period_model = Report._meta.get_field("period").related_model
    today = timezone.localdate()
    period = period_model.objects.create(
        kind="year",
        year=today.year,
        number=1,
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today - datetime.timedelta(days=1),
        deadline=today + datetime.timedelta(days=5),
        entry_closes_on=today + datetime.timedelta(days=10),
    )
    report = Report.objects.create(period=period, province=Province.objects.get(code=80, code_set=CodeSet.CODES_2025))
    Report.objects.filter(pk=report.pk).update(generation=Report.Generation.QUEUED)
    with caplog.at_level(logging.INFO, logger="reports.services"):
        assert report_services.report_generate(report_id=report.pk)
    assert [r.levelno for r in caplog.records if f"report {report.pk} generated" in r.getMessage()] == [logging.INFO]


def test_the_status_of_an_approved_project_reads_in_english_too(client, tayninh_officer, tayninh_approver):
    project = factories.approve(
        factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
    )
    assert project.status == Status.IN_PROGRESS
    client.force_login(tayninh_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert ">in progress</span>" in page and "đang thực hiện" not in page
    assert project.activity.name_en in page and project.activity.name_vi not in page


def test_admin_dates_are_written_and_read_as_dd_mm_yyyy(client, administrator, tayninh_officer):
    project = factories.make_project(by=tayninh_officer, end=datetime.date(2026, 12, 18))
    client.force_login(administrator)
    page = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert re.search(r'name="end_date" value="18/12/2026"', page)
    for language in ("vi", "en"):
        with translation.override(language):
            assert forms.DateField().clean("18/12/2026") == datetime.date(2026, 12, 18)
            assert forms.DateField().clean("2026-12-18") == datetime.date(2026, 12, 18)  # date pickers, API
            with pytest.raises(forms.ValidationError):
                forms.DateField().clean("12/18/2026")  # never month first


def test_the_ministry_home_counts_todays_and_former_provinces_apart(client, ministry_staff):
    """'29 tỉnh, thành phố' added two maps together: the region has 9 provinces today and 20 before 2025."""
    today = Province.objects.filter(valid_to__isnull=True).count()
    former = Province.objects.filter(valid_to__isnull=False).count()
    assert (today, former) == (9, 20)
    client.force_login(ministry_staff)
    body = client.get(reverse("home")).content.decode()
    text = re.sub(r"\s+", " ", re.search(r'<p id="province-count">(.*?)</p>', body, re.S).group(1))
    assert text.startswith("9 tỉnh, thành phố của khu vực hiện nay; 20 tỉnh, thành phố cũ trước khi sáp nhập")
    assert "29" not in text
