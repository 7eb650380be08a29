"""The officer's read scope must let PostgreSQL count a province's projects from indexes: with sequential scans
priced out, the plan of the list's count reads projects only by index (the EXISTS form it replaced could not)."""

import pytest
from django.db import connection

from projects import selectors
from projects.models import Project

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")


def plan_of(queryset) -> str:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) AS listed", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_an_officers_projects_are_found_by_index(cantho_officer):
    plan = plan_of(selectors.project_list_for(user=cantho_officer))
    assert "Seq Scan on projects_project " not in plan, plan
    assert "BitmapOr" in plan, plan


@pytest.mark.django_db
def test_the_check_would_see_the_old_scan(cantho_officer):
    # The shape replaced: province IN … OR EXISTS(partner). The same check reads a sequential scan in it.
    from django.db.models import Exists, OuterRef, Q

    ids = [cantho_officer.unit.province_id]
    partner = Project.partner_provinces.through.objects.filter(project_id=OuterRef("pk"), province_id__in=ids)
    plan = plan_of(Project.objects.filter(Q(province_id__in=ids) | Exists(partner)))
    assert "Seq Scan on projects_project " in plan, plan
