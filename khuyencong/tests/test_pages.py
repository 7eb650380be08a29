from django.urls import reverse


def test_login_page_speaks_vietnamese_by_default(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


def test_language_switch_to_english_and_back(client, tayninh_officer):
    client.force_login(tayninh_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html and "Your province" in html
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Tỉnh của bạn" in client.get(reverse("home")).content.decode()


def test_wrong_password_gets_a_vietnamese_message(client, tayninh_officer):
    response = client.post(reverse("login"), {"username": "tn.officer", "password": "wrong-password-123"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_province_reference_page(client, tayninh_officer, django_assert_max_num_queries):
    client.force_login(tayninh_officer)
    # session read, user, provinces with successors, predecessors prefetch, session touch (+ savepoints)
    with django_assert_max_num_queries(7):
        html = client.get(reverse("provinces:list")).content.decode()
    assert "Bà Rịa - Vũng Tàu" in html and "Hậu Giang" in html and "Lâm Đồng" in html


def test_no_asset_comes_from_another_host(client, tayninh_officer):
    client.force_login(tayninh_officer)
    html = client.get(reverse("home")).content.decode()
    assert "http://" not in html and "https://" not in html and "//cdn" not in html


def test_admin_lists_every_model_with_search(client, administrator):
    from django.contrib import admin

    client.force_login(administrator)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": "Tây"})
        assert response.status_code == 200, url


def test_officers_cannot_open_the_admin(client, tayninh_officer):
    client.force_login(tayninh_officer)
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client, db):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html


def test_a_busy_user_does_not_write_the_session_on_every_request(client, tayninh_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(tayninh_officer)
    client.get(reverse("provinces:list"))  # first request after sign-in: stamps the session
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("provinces:list"))
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
