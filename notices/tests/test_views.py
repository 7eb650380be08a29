"""The notices pages: the header's count, the list, opening marks read, preferences; only one's own."""

import pytest
from django.urls import reverse

from notices import services
from notices.models import Notice, Preference

pytestmark = pytest.mark.django_db


def tell(user, key="e:1", url="/reports/"):
    [notice] = services.notify(
        recipients=[user],
        kind="test",
        message="Report %(period)s was returned",
        params={"period": "Quý 3/2026"},
        comment="Bổ sung phụ lục",
        event_key=key,
        target_url=url,
        target_label="Quý 3/2026 · Tây Ninh",
    )
    return notice


def test_opening_a_notice_marks_it_read_and_only_its_reader_may(client, tayninh_approver, cantho_officer):
    notice = tell(tayninh_approver)
    url = reverse("notices:open", args=[notice.pk])
    client.force_login(cantho_officer)
    assert client.get(url).status_code == 404
    assert "Bổ sung phụ lục" not in client.get(reverse("notices:list")).content.decode()
    client.force_login(tayninh_approver)
    assert "1" in client.get(reverse("notices:count")).content.decode()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/reports/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'id="unread-count"></span>' in client.get(reverse("notices:count")).content.decode()


def test_a_target_off_the_portal_is_not_followed(client, tayninh_approver):
    notice = tell(tayninh_approver, url="https://example.com/phish")
    client.force_login(tayninh_approver)
    assert client.get(reverse("notices:open", args=[notice.pk]))["Location"] == reverse("notices:list")


def test_the_list_shows_the_comment_and_marks_all_read(client, tayninh_approver, django_assert_max_num_queries):
    client.force_login(tayninh_approver)
    client.get(reverse("notices:list"))  # the first request of a session also refreshes it
    for size in (1, 30):
        for i in range(size):
            tell(tayninh_approver, key=f"e:{size}:{i}")
        # session, user, the page's count and its 50 notices, the preference, the unread count
        with django_assert_max_num_queries(6):
            html = client.get(reverse("notices:list")).content.decode()
    assert "Bổ sung phụ lục" in html and "Quý 3/2026" in html
    client.post(reverse("notices:read_all"))
    assert not Notice.objects.filter(recipient=tayninh_approver, read_at__isnull=True).exists()


def test_choosing_the_daily_digest(client, tayninh_officer):
    client.force_login(tayninh_officer)
    response = client.post(reverse("notices:preference"), {"delivery": "digest"}, follow=True)
    assert "Đã lưu lựa chọn của bạn." in response.content.decode()
    assert Preference.objects.get(user=tayninh_officer).delivery == "digest"
    response = client.post(reverse("notices:preference"), {"delivery": "weekly"}, follow=True)
    assert "Hãy chọn một trong các cách nhận thông báo có sẵn." in response.content.decode()
    assert Preference.objects.get(user=tayninh_officer).delivery == "digest"
