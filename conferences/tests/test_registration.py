"""Delegate registration: before the deadline, by the province's own officers, counted per province."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conferences import selectors, services
from conferences.models import Delegate, Participation
from provinces.models import Unit

from .conftest import province


def register(conference, user, name="Nguyễn Văn Thử", **kwargs):
    return services.delegate_register(
        conference=conference,
        province=user.unit.province,
        full_name=name,
        position="Giám đốc",
        unit=user.unit,
        by=user,
        **kwargs,
    )


def test_officer_registers_only_own_provinces_delegates(client, open_conference, tayninh_officer, cantho_officer):
    tayninh = province(80)
    url = reverse("conferences:delegates", args=[open_conference.pk, tayninh.pk])
    data = {"full_name": "Trần Thị Hoa", "position": "Phó Giám đốc", "unit": tayninh_officer.unit.pk}
    client.force_login(cantho_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    with pytest.raises(PermissionDenied):
        services.delegate_register(
            conference=open_conference,
            province=tayninh,
            full_name="X",
            position="Y",
            unit=None,
            organisation="Z",
            by=cantho_officer,
        )
    client.force_login(tayninh_officer)
    assert client.post(url, data).status_code == 302
    delegate = Delegate.objects.get()
    assert (delegate.province, delegate.full_name, delegate.registered_by) == (tayninh, "Trần Thị Hoa", tayninh_officer)
    assert Participation.objects.filter(conference=open_conference, province=tayninh).exists()


def test_registration_closes_at_the_deadline_with_a_vietnamese_message(open_conference, tayninh_officer):
    deadline = open_conference.registration_deadline
    register(open_conference, tayninh_officer, now=deadline - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError) as refused:
        register(open_conference, tayninh_officer, name="Người đến muộn", now=deadline + datetime.timedelta(minutes=1))
    local = timezone.localtime(deadline)
    assert refused.value.messages == [f"Đã hết hạn đăng ký đại biểu lúc {local:%d/%m/%Y %H:%M}."]
    assert Delegate.objects.count() == 1


def test_late_registration_through_the_page_shows_the_reason(client, open_conference, ministry_staff, tayninh_officer):
    services.registration_deadline_set(
        conference=open_conference, deadline=timezone.now() - datetime.timedelta(hours=1), by=ministry_staff
    )
    client.force_login(tayninh_officer)
    url = reverse("conferences:delegates", args=[open_conference.pk, province(80).pk])
    response = client.post(url, {"full_name": "A", "position": "B", "unit": tayninh_officer.unit.pk})
    assert response.status_code == 400
    assert "Đã hết hạn đăng ký đại biểu" in response.content.decode()
    assert not Delegate.objects.exists()


def test_closed_conferences_take_no_delegates(history, tayninh_officer):
    from .conftest import conference_of

    with pytest.raises(ValidationError, match="đã kết thúc"):
        register(conference_of(2025), tayninh_officer)


def test_merged_province_registers_under_the_province_it_became(client, open_conference, tayninh_officer):
    """Old Tây Ninh and Long An are in the officer's scope, but a 2026 delegate belongs to today's Tây Ninh."""
    client.force_login(tayninh_officer)
    for old in (province(72, 2004), province(80, 2004)):
        assert client.get(reverse("conferences:delegates", args=[open_conference.pk, old.pk])).status_code == 404
    assert client.get(reverse("conferences:delegates", args=[open_conference.pk, province(80).pk])).status_code == 200


def test_unit_must_belong_to_the_province(open_conference, tayninh_officer, cantho_officer):
    with pytest.raises(ValidationError):
        services.delegate_register(
            conference=open_conference,
            province=province(80),
            full_name="A",
            position="B",
            unit=cantho_officer.unit,
            by=tayninh_officer,
        )
    enterprise = services.delegate_register(
        conference=open_conference,
        province=province(80),
        full_name="A",
        position="Chủ cơ sở",
        organisation="Hợp tác xã mây tre đan",
        by=tayninh_officer,
    )
    assert enterprise.affiliation == "Hợp tác xã mây tre đan"


def test_ministry_staff_see_counts_per_province_officers_their_own(
    open_conference, tayninh_officer, tayninh_approver, cantho_officer, ministry_staff
):
    register(open_conference, tayninh_officer, name="A")
    register(open_conference, tayninh_approver, name="B")
    register(open_conference, cantho_officer, name="C")
    counts = {p.name: n for p, n in selectors.delegate_counts(user=ministry_staff, conference=open_conference)}
    assert counts["Tây Ninh"] == 2 and counts["Thành phố Cần Thơ"] == 1 and counts["Cà Mau"] == 0
    assert len(counts) == 9
    mine = selectors.delegate_counts(user=tayninh_officer, conference=open_conference)
    assert [(p.name, n) for p, n in mine] == [("Tây Ninh", 2)]
    assert [d.full_name for d in selectors.delegates_for(user=cantho_officer, conference=open_conference)] == ["C"]


def test_withdraw_own_delegate_only(client, open_conference, tayninh_officer, cantho_officer):
    delegate = register(open_conference, tayninh_officer)
    url = reverse("conferences:delegate_withdraw", args=[delegate.pk])
    client.force_login(cantho_officer)
    assert client.post(url).status_code == 404
    client.force_login(tayninh_officer)
    assert client.post(url).status_code == 302
    assert not Delegate.objects.exists()


def test_ministry_staff_view_but_do_not_register(client, open_conference, ministry_staff):
    client.force_login(ministry_staff)
    url = reverse("conferences:delegates", args=[open_conference.pk, province(80).pk])
    response = client.get(url)
    assert response.status_code == 200 and '<form method="post" novalidate>' not in response.content.decode()
    unit = Unit.objects.get(code="centre-80-2025")
    with pytest.raises(PermissionDenied):
        services.delegate_register(
            conference=open_conference, province=province(80), full_name="A", position="B", unit=unit, by=ministry_staff
        )


def test_the_same_delegate_is_refused_a_second_time_whatever_the_case_and_spaces(
    client, open_conference, tayninh_officer
):
    register(open_conference, tayninh_officer, name="Lê Thị Ánh")
    with pytest.raises(ValidationError) as refused:
        register(open_conference, tayninh_officer, name="  LÊ  thị ánh ")
    assert refused.value.message_dict == {"full_name": ["Lê Thị Ánh đã được đăng ký dự hội nghị này."]}

    client.force_login(tayninh_officer)
    url = reverse("conferences:delegates", args=[open_conference.pk, tayninh_officer.unit.province.pk])
    data = {"full_name": "Lê Thị Ánh", "position": "Chuyên viên", "unit": tayninh_officer.unit.pk}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Lê Thị Ánh đã được đăng ký dự hội nghị này." in response.content.decode()
    assert Delegate.objects.count() == 1
    register(open_conference, tayninh_officer, name="Lê Thị Anh")  # another person: the accents differ
    assert Delegate.objects.count() == 2


def test_the_database_refuses_a_duplicate_the_service_did_not_see(open_conference, tayninh_officer):
    from django.db import IntegrityError, transaction

    first = register(open_conference, tayninh_officer, name="Phạm Văn Bình")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delegate.objects.create(
            conference=open_conference,
            province=first.province,
            full_name="phạm văn bình".replace("p", "P", 1),  # differs in ASCII case only
            position="Chuyên viên",
            unit=first.unit,
            registered_by=tayninh_officer,
        )


def test_a_delegate_has_a_phone_and_an_e_mail(client, open_conference, tayninh_officer):
    client.force_login(tayninh_officer)
    url = reverse("conferences:delegates", args=[open_conference.pk, tayninh_officer.unit.province.pk])
    page = client.get(url).content.decode()
    assert 'name="phone"' in page and 'name="email"' in page
    data = {"full_name": "Võ Minh Tâm", "position": "Chuyên viên", "unit": tayninh_officer.unit.pk}
    bad = client.post(url, {**data, "phone": "gọi tôi", "email": "tam@"})
    assert bad.status_code == 400 and not Delegate.objects.exists()
    assert "Hãy viết số điện thoại bằng chữ số" in bad.content.decode()
    assert client.post(url, {**data, "phone": "0276 3822 123", "email": "tam@sct.tayninh.gov.vn"}).status_code == 302
    delegate = Delegate.objects.get()
    assert (delegate.phone, delegate.email) == ("0276 3822 123", "tam@sct.tayninh.gov.vn")
    listed = client.get(url).content.decode()
    assert 'href="tel:02763822123"' in listed and "tam@sct.tayninh.gov.vn" in listed
    assert 'data-confirm="Rút Võ Minh Tâm khỏi hội nghị? Đăng ký sẽ bị xóa."' in listed
