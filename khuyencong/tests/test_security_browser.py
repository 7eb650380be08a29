"""The Content-Security-Policy in a real Chromium: the main pages, as an officer and as ministry staff (who
enrol their authenticator on first sign-in), run without a single policy violation."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conferences import services as conference_services
from conferences.models import Conference
from projects import services as project_services
from projects.tests import factories
from provinces import services
from provinces.models import User

from .totp import code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Injected by the browser before any page script, and not subject to the page's CSP.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


# Redoc always shows its vendor's logo from their CDN; the policy blocks it, which is the point.
EXPECTED = {"/api/redoc/": "img-src blocked https://cdn.redoc.ly/"}


def visit_all(page, live_server, paths):
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(LISTEN)
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        violations = [v for v in page.evaluate("window.__csp") if not v.startswith(EXPECTED.get(path, "-"))]
        assert violations == [], f"{path}: {violations}"
    assert [line for line in console if "cdn.redoc.ly" not in line] == []


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(services.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.fixture
def portal():
    services.reference_load()
    project_services.programmes_load()
    services.demo_accounts_create()
    conference_services.conferences_load()
    officer = User.objects.get(username="tayninh.canbo")
    project = factories.make_project(by=officer, title="Hỗ trợ máy đóng gói bánh tráng")
    return {"project": project, "officer": officer, "conference": Conference.objects.order_by("-year").first()}


def test_officer_pages_run_under_the_policy(page, live_server, portal):
    sign_in(page, live_server, "tayninh.canbo")
    page.wait_for_url(f"{live_server.url}/")
    province = portal["officer"].unit.province_id
    visit_all(
        page,
        live_server,
        [
            "/",
            f"/dashboards/province/{province}/",
            "/projects/",
            f"/projects/{portal['project'].pk}/",
            f"/projects/{portal['project'].pk}/edit/",
            "/projects/this-period/",
            "/conferences/",
            f"/conferences/{portal['conference'].pk}/",
            "/provinces/",
            "/account/",
            "/account/password/",
        ],
    )


def test_ministry_staff_enrol_then_browse_under_the_policy(page, live_server, portal):
    sign_in(page, live_server, "bo.khuyencong")
    page.wait_for_url(f"{live_server.url}/account/otp/setup/?next=/")
    assert page.locator("#otp-secret").inner_text()  # the secret, as text, for any TOTP app
    assert page.locator("figure.qr svg").is_visible()
    device = TOTPDevice.objects.get(user__username="bo.khuyencong", confirmed=False)
    page.get_by_label("Mã 6 chữ số").fill(code_for(device))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{live_server.url}/")
    visit_all(
        page,
        live_server,
        [
            "/",
            "/dashboards/region/",
            "/projects/",
            f"/projects/{portal['project'].pk}/",
            "/conferences/",
            f"/conferences/{portal['conference'].pk}/",
            "/provinces/",
            "/account/",
            "/account/otp/setup/",
            "/api/docs/",
            "/api/redoc/",
        ],
    )
