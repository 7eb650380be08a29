"""The head judge's summary keeps a constant number of queries whatever the round's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from products import selectors
from products.tests import factories

pytestmark = pytest.mark.django_db


def _queries(client, user, round_) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as selector_queries:
        summary = selectors.score_summary(user=user, round_=round_)
        assert len(summary.rows) == round_.entries.count() and summary.complete == len(summary.rows)
    with CaptureQueriesContext(connection) as page_queries:
        response = client.get(f"/products/{round_.pk}/summary/")
        assert response.status_code == 200
    return len(selector_queries), len(page_queries)


def test_the_summary_of_a_400_entry_11_judge_round_takes_as_many_queries_as_a_small_one(
    client, selection_rules, tayninh_officer, tay_ninh, django_assert_max_num_queries
):
    small = factories.big_round(by=tayninh_officer, prov=tay_ninh, entries=10, judges=11, year=2026)
    large = factories.big_round(by=tayninh_officer, prov=tay_ninh, entries=400, judges=11, year=2027)
    client.force_login(tayninh_officer)
    client.get(f"/products/{small.pk}/summary/")  # the first request after sign-in also refreshes the session
    small_counts = _queries(client, tayninh_officer, small)
    large_counts = _queries(client, tayninh_officer, large)
    assert small_counts == large_counts
    with django_assert_max_num_queries(9):
        selectors.score_summary(user=tayninh_officer, round_=large)
    with django_assert_max_num_queries(17):
        client.get(f"/products/{large.pk}/summary/")
    with CaptureQueriesContext(connection) as small_export:
        client.get(f"/products/{small.pk}/export.xlsx")
    with django_assert_max_num_queries(len(small_export)):
        workbook = factories.workbook(client.get(f"/products/{large.pk}/export.xlsx").content)
    assert workbook.worksheets[0].max_row == 401
