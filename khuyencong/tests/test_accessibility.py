"""Accessibility of the main pages in a real Chromium, checked by axe-core (from npm: `npm ci`).

No page may have a "serious" or "critical" axe violation; the project form must be usable with the
keyboard alone, with a visible focus; every chart (<svg role="img">, or "group"
when its bars are links) has a <title>.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conferences import services as conference_services
from conferences.models import Conference
from projects import demo
from projects import selectors as project_selectors
from provinces.models import CodeSet, Province, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe_source():
    """axe-core's script; without it the tests skip locally and fail on CI (like the Chromium rule)."""
    if not AXE.exists():
        reason = f"axe-core is not installed ({AXE.relative_to(settings.BASE_DIR)} missing): run `npm ci`"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def portal():
    """Demo data at scale 1 (accounts, projects over the years, plans) and the conference history."""
    demo.demo_seed(scale=1, seed=1)
    conference_services.conferences_load()


def sign_in_as(page, live_server, username: str) -> None:
    """A session made by Django's test client, handed to the browser: no form, so no second factor."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def axe_problems(page, axe_source: str) -> list[str]:
    """The serious and critical violations axe-core finds on the loaded page, one line per rule."""
    page.evaluate(axe_source)  # evaluate, not a <script> tag: the portal's CSP forbids inline scripts
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}×, e.g. {v['nodes'][0]['target']})"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def test_main_pages_have_no_serious_axe_violations(page, live_server, portal, axe_source):
    tayninh = Province.objects.get(code=80, code_set=CodeSet.CODES_2025)
    officer = User.objects.get(username="tayninh.canbo")
    project = project_selectors.project_list_for(user=officer).order_by("pk").first()
    conference = Conference.objects.order_by("-pk").first()
    visits = [
        (None, reverse("login")),
        ("tayninh.canbo", reverse("home")),
        ("tayninh.canbo", reverse("projects:list")),
        ("tayninh.canbo", reverse("projects:create")),
        ("tayninh.canbo", reverse("projects:detail", args=[project.pk])),
        ("tayninh.canbo", reverse("projects:this_period")),
        ("tayninh.canbo", reverse("reports:province_dashboard", args=[tayninh.pk])),
        ("tayninh.canbo", reverse("conferences:list")),
        ("tayninh.canbo", reverse("conferences:detail", args=[conference.pk])),
        ("tayninh.canbo", reverse("provinces:list")),
        ("bo.khuyencong", reverse("home")),
        ("bo.khuyencong", reverse("reports:regional_dashboard")),
    ]
    problems, signed_in, charts = {}, "", 0
    for username, path in visits:
        if username != signed_in:
            if username:
                sign_in_as(page, live_server, username)
            else:
                page.context.clear_cookies()
            signed_in = username
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        if found := axe_problems(page, axe_source):
            problems[f"{username or 'anonymous'} {path}"] = found
        # role="img", or "group" when the bars are links: either way named by its <title>
        untitled = page.locator("svg:is([role=img], [role=group]):not(:has(> title))")
        assert untitled.count() == 0, f"charts without a <title> on {path}"
        charts += page.locator("svg:is([role=img], [role=group])").count()

    assert not problems, "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in problems.items())
    assert charts >= 4  # both dashboards drew their charts, so the <title> check checked something


def test_project_form_is_usable_with_the_keyboard(page, live_server, portal):
    sign_in_as(page, live_server, "tayninh.canbo")
    page.goto(live_server.url + reverse("projects:create"))
    form = "main form[method=post]"
    expected = page.eval_on_selector_all(
        f"{form} :is(input:not([type=hidden]), select, textarea, button[type=submit])",
        "els => els.map(e => e.id || e.name || e.type)",
    )
    assert len(expected) >= 10

    reached = []
    for _ in range(100):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """(form) => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {inForm: !!el.closest(form), key: el.id || el.name || el.type,
                        outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
            }""",
            form,
        )
        if not focused["inForm"]:
            if reached:
                break
            continue
        assert focused["outline"] != "none" and focused["width"] > 0, f"no visible focus on {focused['key']}"
        if focused["key"] not in reached:
            reached.append(focused["key"])
    assert reached[: len(expected)] == expected
