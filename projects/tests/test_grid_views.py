"""The "Kỳ này" grid through Django's stack: rows, cell saves (JSON), the one-form save without JavaScript,
locked periods, scope, and the page's query count at two sizes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from periods import services as periods  # period_get_or_create
from periods.models import PeriodKind
from projects import grid_html, services
from projects.entry_periods import period_key as key  # noqa: E402
from projects.models import MoneyEntry, ProgressUpdate
from projects.tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_on_the_day")]
M = 1_000_000


@pytest.fixture
def _on_the_day():
    with freeze_time("2026-11-20 09:00:00+07:00"):
        yield


@pytest.fixture
def q4():
    return periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=4)


def _running(officer, approver, **kwargs):
    return factories.approve(factories.make_project(by=officer, **kwargs), officer=officer, approver=approver)


def _save(client, period, project, section, version=0, **cells):
    data = {"sections": section, f"r{project.pk}-version": str(version)}
    data.update({f"r{project.pk}-{cell}": value for cell, value in cells.items()})
    return client.post(reverse("projects:grid_row_save", args=[key(period), project.pk]), data)


def test_the_grid_shows_due_rows_with_last_period_and_pins_its_queries(
    client, tayninh_officer, tayninh_approver, q4, django_assert_max_num_queries
):
    q3 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=3)
    projects = [_running(tayninh_officer, tayninh_approver, title=f"Đề án {i}") for i in range(3)]
    later = _running(
        tayninh_officer,
        tayninh_approver,
        title="Năm sau",
        year=2027,
        start=datetime.date(2027, 1, 5),
        end=datetime.date(2027, 6, 30),
    )
    with freeze_time("2026-09-10 09:00:00+07:00"):
        services.progress_save(
            project=projects[0], period=q3, by=tayninh_officer, completion_percent="37,5", narrative="Đã ký hợp đồng"
        )
    client.force_login(tayninh_officer)
    client.get(reverse("projects:this_period"))  # the first visit of a quarter generates the earlier quarters
    # 11 (15 before issue 19): session, user; the cut-off rules once and the current quarter with the four
    # earlier ones in one query; the province family and the granted exceptions; the scope; the rows with
    # their money and last-period subqueries, this period's progress, the last periods' labels
    with django_assert_max_num_queries(11):
        response = client.get(reverse("projects:this_period"))
    html = response.content.decode()
    assert "3 đề án chưa báo cáo" in html and later.code not in html
    assert "Quý 3/2026:</span> 37,5%" in html and "Đã ký hợp đồng" in html
    assert 'type="date"' not in html and 'type="number"' not in html and 'placeholder="dd/mm/yyyy"' in html
    for i in range(30):
        _running(tayninh_officer, tayninh_approver, title=f"Thêm {i}")
    with django_assert_max_num_queries(11):
        response = client.get(reverse("projects:this_period"))
    assert len(response.context["rows"]) == 33


def test_a_cell_save_takes_vietnamese_numbers_and_is_recorded_once(client, tayninh_officer, tayninh_approver, q4):
    project = _running(tayninh_officer, tayninh_approver)
    client.force_login(tayninh_officer)
    response = _save(client, q4, project, "progress", percent="37,5", narrative="Đã lắp máy")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["ok"] and body["row"]["version"] == 1 and body["row"]["state"] == "saved"
    assert body["counters"]["missing"] == 0 and "0 đề án chưa báo cáo" in body["counters"]["missing_text"]
    assert ProgressUpdate.objects.get(project=project).completion_percent == Decimal("37.5")

    money = {"amount": "15.000.000", "date": "10/11/2026", "key": "k-1"}
    first = _save(client, q4, project, "money", version=1, **money)
    again = _save(client, q4, project, "money", version=1, **money)  # the answer was lost; the browser resends
    assert first.status_code == again.status_code == 200
    assert first.json()["row"]["disbursed"] == "15.000.000 đ" and first.json()["row"]["key"]
    entry = MoneyEntry.objects.get(project=project)
    assert (entry.amount, entry.date) == (15 * M, datetime.date(2026, 11, 10))
    _save(client, q4, project, "money", version=1, amount="15 000 000", key="k-2")  # no date: today
    assert MoneyEntry.objects.filter(project=project).count() == 2


def test_bad_cells_are_refused_beside_the_cell_and_nothing_is_saved(client, tayninh_officer, tayninh_approver, q4):
    project = _running(tayninh_officer, tayninh_approver)
    client.force_login(tayninh_officer)
    response = _save(client, q4, project, "money", amount="abc", date="10/11/2026")
    assert response.status_code == 422
    assert response.json()["errors"] == {"amount": "Nhập số tiền nguyên, tính bằng đồng."}
    response = _save(client, q4, project, "money", amount="5.000.000", date="11/30/2026")
    assert "date" in response.json()["errors"]
    response = _save(client, q4, project, "money", amount="5.000.000", date="01/09/2026")  # before the window
    assert "khoảng chốt số liệu" in response.json()["errors"]["date"]
    response = _save(client, q4, project, "money", amount="999.000.000")
    assert "vượt kinh phí" in response.json()["errors"]["amount"]
    response = _save(client, q4, project, "progress", percent="120")
    assert "từ 0 đến 100" in response.json()["errors"]["percent"]
    assert not MoneyEntry.objects.filter(project=project).exists()
    assert not ProgressUpdate.objects.filter(project=project).exists()
    stale = _save(client, q4, project, "progress", version=0, percent="10")
    assert stale.status_code == 200
    stale = _save(client, q4, project, "progress", version=0, percent="20")
    assert stale.status_code == 409 and "Người khác đã lưu dòng này" in stale.json()["row_error"]


def test_rows_of_another_province_or_not_due_cannot_be_saved(
    client, tayninh_officer, tayninh_approver, cantho_officer, q4
):
    project = _running(tayninh_officer, tayninh_approver)
    later = _running(
        tayninh_officer, tayninh_approver, year=2027, start=datetime.date(2027, 1, 5), end=datetime.date(2027, 6, 30)
    )
    client.force_login(cantho_officer)
    assert _save(client, q4, project, "progress", percent="10").status_code == 404
    assert project.code not in client.get(reverse("projects:this_period")).content.decode()
    client.force_login(tayninh_officer)
    assert _save(client, q4, later, "progress", percent="10").status_code == 404
    assert _save(client, q4, project, "progress", percent="10").status_code == 200
    assert ProgressUpdate.objects.filter(project__in=[project, later]).count() == 1


def test_without_javascript_the_grid_is_one_form_that_saves_every_changed_row(
    client, tayninh_officer, tayninh_approver, q4
):
    good, bad, untouched = (_running(tayninh_officer, tayninh_approver, title=t) for t in ("Tốt", "Sai", "Để yên"))
    client.force_login(tayninh_officer)
    page = client.get(reverse("projects:this_period"))
    keys = {row.pk: row.entry_key for row in page.context["rows"]}
    data = {"period": key(q4)}
    for project in (good, bad, untouched):
        data.update({f"r{project.pk}-version": "0", f"r{project.pk}-key": keys[project.pk]})
        data.update(
            {f"r{project.pk}-{cell}": "" for cell in ("percent", "narrative", "difficulties", "amount", "date")}
        )
    data.update({f"r{good.pk}-percent": "60", f"r{good.pk}-amount": "30.000.000", f"r{good.pk}-date": "02/11/2026"})
    data.update({f"r{bad.pk}-percent": "50", f"r{bad.pk}-amount": "abc"})
    response = client.post(f"{reverse('projects:this_period')}?period={key(q4)}", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "1 dòng đã lưu; 1 dòng chưa lưu" in html and 'value="abc"' in html
    assert "Nhập số tiền nguyên" in html
    assert ProgressUpdate.objects.get(project=good).completion_percent == 60
    assert MoneyEntry.objects.get(project=good).amount == 30 * M
    assert not ProgressUpdate.objects.filter(project__in=[bad, untouched]).exists()
    # the same form sent twice (a double click) records the disbursement once
    data[f"r{bad.pk}-amount"] = ""
    response = client.post(f"{reverse('projects:this_period')}?period={key(q4)}", data)
    assert response.status_code == 302
    assert MoneyEntry.objects.filter(project=good).count() == 1
    assert ProgressUpdate.objects.get(project=bad).completion_percent == 50


def test_a_locked_period_is_read_only_with_the_reason(client, tayninh_officer, tayninh_approver):
    project = _running(tayninh_officer, tayninh_approver, start=datetime.date(2026, 2, 1))
    q2 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=2)
    client.force_login(tayninh_officer)
    html = client.get(reverse("projects:this_period"), {"period": key(q2)}).content.decode()
    assert "Chỉ xem." in html and "Kỳ này đã khóa từ ngày 29/06/2026" in html and "readonly" in html
    assert 'id="save-all"' not in html
    response = _save(client, q2, project, "progress", percent="10")
    assert response.status_code == 403 and "29/06/2026" in response.json()["row_error"]
    assert not ProgressUpdate.objects.exists()


def test_the_rows_escape_and_shorten_as_the_template_engine_would(client, tayninh_officer, tayninh_approver, q4):
    """grid_html writes the rows with html.escape and a Truncator shortcut: the HTML must be what Django's
    escape() and Truncator().chars(160) give — a long narrative shortened with "…", combining marks not counted,
    a decomposed (NFD) text normalised, markup characters escaped."""
    import unicodedata

    from django.utils.html import escape
    from django.utils.text import Truncator

    q3 = periods.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=3)
    long_text = "Đã lắp <máy> & \"sấy\" 'nông sản'. " * 8  # 272 characters
    nfd_text = unicodedata.normalize("NFD", "Tiến độ chậm vì mưa bão " * 6)[:170]  # ≤ 160 letters, > 160 code points
    texts = {"long": long_text, "nfd": nfd_text, "short": "Xong <b>phần</b> móng & tường"}
    projects = {name: _running(tayninh_officer, tayninh_approver, title=f'Đề án <i>{name}</i> & "x"') for name in texts}
    for name, text in texts.items():
        with freeze_time("2026-09-10 09:00:00+07:00"):
            services.progress_save(
                project=projects[name], period=q3, by=tayninh_officer, completion_percent="40", narrative=text
            )
    client.force_login(tayninh_officer)
    html = client.get(reverse("projects:this_period")).content.decode()
    for name, text in texts.items():
        expected = escape(Truncator(text).chars(160))
        assert f'<span class="last-narrative">{expected}</span>' in html, name
        assert f'<span class="grid-title">{escape(projects[name].title)}</span>' in html
    assert escape(Truncator(long_text).chars(160)).endswith("…")
    assert "&lt;máy&gt; &amp; &quot;sấy&quot; &#x27;nông" in html
    # the services store NFC; text written otherwise (NFD, combining marks) is shortened as Truncator does
    nfd_short = unicodedata.normalize("NFD", "Tiến độ chậm")
    for text in (*texts.values(), nfd_text, nfd_short, unicodedata.normalize("NFD", long_text), "", "a\u0301" * 161):
        assert grid_html._truncated(text) == Truncator(text).chars(160)
        assert grid_html._escape(text) == escape(text)
