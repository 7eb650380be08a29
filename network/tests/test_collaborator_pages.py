"""An officer contracts a collaborator and changes the contract in the browser's forms; nobody outside the
province reaches either page, and two officers saving the same contract never overwrite each other."""

import datetime
import unicodedata

import pytest
from django.urls import reverse

from network.models import Collaborator
from network.tests import factories as nf

pytestmark = pytest.mark.django_db


def _form(communes, **extra):
    data = {
        "full_name": unicodedata.normalize("NFD", "Lê Thị Hồng"),  # typed with combining marks
        "position": "Công chức xã",
        "phone": "0912 345 678",
        "communes": [c.pk for c in communes],
        "contract_start": "01/02/2026",
        "contract_end": "31/12/2026",
        "monthly_fee": "1.500.000",
    }
    data.update(extra)
    return data


def test_an_officer_contracts_a_collaborator_typed_the_vietnamese_way(client, tayninh_officer):
    tn = nf.tay_ninh()
    a, b = nf.communes_of(tn, 2)
    client.force_login(tayninh_officer)
    page = client.get(reverse("network:collaborator_new", args=[tn.pk])).content.decode()
    assert a.name in page and 'type="date"' not in page  # dd/mm/yyyy as every page prints
    response = client.post(reverse("network:collaborator_new", args=[tn.pk]), _form([a, b]))
    person = Collaborator.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("network:collaborator", args=[person.pk])
    assert person.full_name == "Lê Thị Hồng" and unicodedata.is_normalized("NFC", person.full_name)
    assert person.monthly_fee == 1_500_000
    assert (person.contract_start, person.contract_end) == (datetime.date(2026, 2, 1), datetime.date(2026, 12, 31))
    assert set(person.communes.all()) == {a, b}


def test_a_bad_contract_is_refused_in_vietnamese_and_nothing_is_saved(client, tayninh_officer):
    tn = nf.tay_ninh()
    (a,) = nf.communes_of(tn, 1)
    client.force_login(tayninh_officer)
    response = client.post(
        reverse("network:collaborator_new", args=[tn.pk]),
        _form([a], contract_start="31/12/2026", contract_end="01/02/2026", monthly_fee="1,5"),
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Collaborator.objects.exists()
    assert "đồng" in html  # the fee's message: no fractions of a đồng
    response = client.post(reverse("network:collaborator_new", args=[tn.pk]), _form([a], contract_end="01/01/2026"))
    assert "Hợp đồng không thể kết thúc trước khi bắt đầu" in response.content.decode()
    assert not Collaborator.objects.exists()


def test_another_provinces_officer_reaches_neither_page_nor_their_communes(client, tayninh_officer, cantho_officer):
    tn = nf.tay_ninh()
    a, b = nf.communes_of(tn, 2)
    person = nf.make_collaborator(by=tayninh_officer, communes=[a])
    client.force_login(cantho_officer)
    assert client.get(reverse("network:collaborator_new", args=[tn.pk])).status_code == 404
    assert client.post(reverse("network:collaborator_new", args=[tn.pk]), _form([a])).status_code == 404
    assert client.get(reverse("network:collaborator_edit", args=[person.pk])).status_code == 404
    assert client.post(reverse("network:collaborator_edit", args=[person.pk]), _form([b], version=1)).status_code == 404
    person.refresh_from_db()
    assert person.version == 1 and set(person.communes.all()) == {a}
    # Their own province's form lists only their communes: a Tây Ninh commune posted there is refused.
    ct = cantho_officer.unit.province
    response = client.post(reverse("network:collaborator_new", args=[ct.pk]), _form([a]))
    assert response.status_code == 200 and Collaborator.objects.count() == 1


def test_a_collaborator_account_cannot_open_the_contract_forms(client, tayninh_officer):
    tn = nf.tay_ninh()
    a, b = nf.communes_of(tn, 2)
    person = nf.make_collaborator(by=tayninh_officer, communes=[a])
    client.force_login(nf.collaborator_account("ctv.a", [a]))
    assert client.get(reverse("network:collaborator_edit", args=[person.pk])).status_code == 403
    # Their province's network page is not theirs either (their scope is communes, not the province).
    assert client.get(reverse("network:collaborator_new", args=[tn.pk])).status_code == 404


def test_changing_a_contract_moves_the_linked_account_and_refuses_a_stale_form(client, tayninh_officer):
    tn = nf.tay_ninh()
    a, b = nf.communes_of(tn, 2)
    account = nf.collaborator_account("ctv.b", [a])
    person = nf.make_collaborator(by=tayninh_officer, communes=[a], account=account)
    client.force_login(tayninh_officer)
    url = reverse("network:collaborator_edit", args=[person.pk])
    assert "1.500.000" in client.get(url).content.decode()  # the fee shown as typed
    response = client.post(url, _form([b], version=person.version, status="active"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.version == 2 and set(person.communes.all()) == {b}
    assert set(account.communes.all()) == {b}  # the account's scope follows the contract
    # A second officer's form, opened at version 1, is refused with the reason; the first save stays.
    response = client.post(url, _form([a], version=1, status="active", full_name="Tên khác"))
    assert response.status_code == 200
    assert "Người khác vừa sửa cộng tác viên này" in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == "Lê Thị Hồng" and set(person.communes.all()) == {b}
    # Ending the contract leaves the account with nothing.
    client.post(url, _form([b], version=2, status="ended"))
    assert not account.communes.exists()


def test_the_province_page_offers_the_new_contract_to_its_officers_only(client, tayninh_officer, ministry_staff):
    tn = nf.tay_ninh()
    link = reverse("network:collaborator_new", args=[tn.pk])
    client.force_login(tayninh_officer)
    assert link in client.get(reverse("network:province", args=[tn.pk])).content.decode()
    client.force_login(ministry_staff)
    assert link not in client.get(reverse("network:province", args=[tn.pk])).content.decode()
