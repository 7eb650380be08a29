"""Pages: who may open them, and query counts pinned on the list pages."""

import pytest
from django.urls import reverse

from conferences import services

from .conftest import conference_of, province


def test_pages_need_a_sign_in(client, history):
    for url in (reverse("conferences:list"), reverse("conferences:detail", args=[conference_of(2022).pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_series_page_shows_who_hosted_when(client, history, tayninh_officer, django_assert_max_num_queries):
    client.force_login(tayninh_officer)
    # session, user, conferences, organiser names, today's provinces; session save (savepoint, update, release)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("conferences:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "XV" in page and "suy đoán" in page  # XV is inferred
    assert "13/10/2022" in page and "10/10/2024" in page
    assert "với tên Hậu Giang" in page  # Cần Thơ's 2023 hosting, as Hậu Giang


def test_conference_page_for_ministry_with_full_matrix(
    client, history, ministry_staff, tayninh_officer, cantho_officer, django_assert_max_num_queries
):
    c2022 = conference_of(2022)
    for conclusion in c2022.conclusions.all():
        services.followup_report(conclusion=conclusion, province=province(72, 2004), status="done", by=tayninh_officer)
        services.followup_report(
            conclusion=conclusion, province=province(94, 2004), status="in_progress", by=cantho_officer
        )
    client.force_login(ministry_staff)
    # session, user, conference + 6 prefetches, documents, participations(+names), delegate counts (2),
    # delegates(+names), matrix (provinces, conclusions, named provinces, follow-ups), unit names
    with django_assert_max_num_queries(25):  # + the typical-products round of the year (products)
        response = client.get(reverse("conferences:detail", args=[c2022.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="badge ok"') == 9 and "Sóc Trăng" in page
    assert "Báo cáo theo dõi" not in page  # ministry staff see, provinces report


def test_officer_sees_own_rows_with_report_links(client, history, tayninh_officer):
    client.force_login(tayninh_officer)
    page = client.get(reverse("conferences:detail", args=[conference_of(2022).pk])).content.decode()
    assert "Báo cáo kết quả thực hiện kết luận 4 của Long An" in page
    assert "Hậu Giang</th>" not in page


def test_admin_lists_every_model(client, history, administrator):
    client.force_login(administrator)
    for model in (
        "conference",
        "cochair",
        "participation",
        "delegate",
        "document",
        "quotedfigure",
        "conclusion",
        "conclusionfollowup",
        "recognition",
    ):
        response = client.get(reverse(f"admin:conferences_{model}_changelist") + "?q=T%C3%A2y")
        assert response.status_code == 200, model


@pytest.mark.parametrize("name", ["conferences:close"])
def test_close_page_is_for_ministry_staff(client, history, tayninh_officer, name):
    client.force_login(tayninh_officer)
    assert client.get(reverse(name, args=[conference_of(2025).pk])).status_code == 403
