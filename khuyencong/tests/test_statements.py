"""Statements compiled once per process (khuyencong/statements.py): the rows are the queryset's own, read
afresh on every call; only the SQL is kept."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.db.models.sql.compiler import SQLCompiler

from khuyencong.statements import compiled_once
from projects.models import Fund, Plan
from projects.tests.factories import make_plan, province

pytestmark = pytest.mark.django_db


def plans_query(ids: frozenset[int], year: int):
    return (
        Plan.objects.filter(province_id__in=ids, year=year)
        .values("province_id", "fund")
        .annotate(total=Sum("planned_amount"), n=Count("id"))
        .order_by("province_id", "fund")
    )


plans = compiled_once(plans_query)


@compiled_once
def plan_totals(ids: frozenset[int]):
    return Plan.objects.filter(province_id__in=ids).values_list("year").annotate(total=Sum("planned_amount")).order_by()


@pytest.fixture
def two_provinces(reference_data):
    plans.cache_clear()
    plan_totals.cache_clear()
    can_tho, tay_ninh = province(92), province(80)
    make_plan(can_tho, 2027, Fund.LOCAL, 1_200_000_000)
    make_plan(can_tho, 2027, Fund.NATIONAL, 300_000_000)
    make_plan(tay_ninh, 2027, Fund.LOCAL, 450_000_000)
    make_plan(tay_ninh, 2028, Fund.LOCAL, 70_000_000)
    return frozenset({can_tho.pk, tay_ninh.pk}), can_tho, tay_ninh


def test_the_rows_are_the_querysets_own_with_its_types(two_provinces):
    ids, can_tho, tay_ninh = two_provinces
    rows = plans(ids, 2027)
    assert rows == list(plans_query(ids, 2027))
    assert sorted(rows, key=lambda r: r["total"]) == [
        {"province_id": can_tho.pk, "fund": "national", "total": Decimal(300_000_000), "n": 1},
        {"province_id": tay_ninh.pk, "fund": "local", "total": Decimal(450_000_000), "n": 1},
        {"province_id": can_tho.pk, "fund": "local", "total": Decimal(1_200_000_000), "n": 1},
    ]
    assert all(type(row["total"]) is Decimal for row in rows)  # money stays Decimal, on SQLite too
    assert sorted(plan_totals(ids)) == [(2027, Decimal(1_950_000_000)), (2028, Decimal(70_000_000))]


def test_the_sql_is_compiled_once_and_the_data_read_on_every_call(two_provinces, monkeypatch):
    ids, can_tho, _tay_ninh = two_provinces
    local = {"province_id": can_tho.pk, "fund": "local", "total": Decimal(1_200_000_000), "n": 1}
    assert local in plans(ids, 2027)
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    Plan.objects.filter(province=can_tho, year=2027, fund=Fund.LOCAL).update(planned_amount=1_205_000_000)
    compiled.clear()
    rows = plans(ids, 2027)
    assert compiled == []  # the kept SQL ran…
    assert local not in rows  # …on today's rows
    assert {**local, "total": Decimal(1_205_000_000)} in rows
    assert plans.cache_info().hits == 1
    assert plans(ids, 2028) == [{"province_id": _tay_ninh.pk, "fund": "local", "total": Decimal(70_000_000), "n": 1}]
    assert compiled == [1]  # other arguments, another statement


def test_no_province_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert plans(frozenset(), 2027) == []


def test_a_queryset_of_model_instances_is_refused():
    @compiled_once
    def instances(year: int):
        return Plan.objects.filter(year=year)

    with pytest.raises(TypeError, match="values"):
        instances(2027)


def test_distinct_rows_ordered_by_a_column_not_selected_keep_only_the_selected_ones(two_provinces):
    ids, _can_tho, _tay_ninh = two_provinces

    def query(year: int):
        return Plan.objects.filter(year=year).values("province_id").distinct().order_by("fund")

    def query_list(year: int):
        return Plan.objects.filter(year=year).values_list("province_id").distinct().order_by("fund")

    # PostgreSQL needs the ORDER BY column in a DISTINCT's select list: Django adds it, and drops it from the rows
    assert compiled_once(query)(2027) == list(query(2027))
    assert compiled_once(query_list)(2027) == list(query_list(2027))
    assert all(len(row) == 1 for row in compiled_once(query_list)(2027))
