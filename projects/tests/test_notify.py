"""Who is told of project events: the decider when a decision is needed, the province when it is made."""

import datetime

import pytest

from notices.models import Notice
from projects import services
from projects.tests import factories

pytestmark = pytest.mark.django_db


def told(kind: str) -> list[str]:
    return sorted(Notice.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_local_project_asks_its_approver_and_the_decision_tells_the_officers(
    tayninh_officer, tayninh_approver, cantho_approver, ministry_staff
):
    project = factories.make_project(by=tayninh_officer)
    project = services.project_transition(project=project, action="submit", by=tayninh_officer)
    assert told("projects.project.submit") == ["tn.approver"]  # not Cần Thơ's, not the ministry (local fund)
    project = services.project_transition(project=project, action="reject", by=tayninh_approver, reason="Thiếu dự toán")
    assert told("projects.project.reject") == ["tn.officer"]
    assert Notice.objects.get(kind="projects.project.reject").comment == "Thiếu dự toán"
    project = services.project_transition(project=project, action="submit", by=tayninh_officer)
    assert told("projects.project.submit") == ["tn.approver", "tn.approver"]  # a second submission: a new event
    services.project_transition(project=project, action="approve", by=tayninh_approver)
    [approved] = Notice.objects.filter(kind="projects.project.approve")
    assert approved.recipient == tayninh_officer and project.code in approved.text
    assert approved.target_url == f"/projects/{project.pk}/"


def test_a_national_project_asks_the_ministry(tayninh_officer, tayninh_approver, ministry_staff):
    project = factories.make_project(by=tayninh_officer, fund="national")
    services.project_transition(project=project, action="submit", by=tayninh_officer)
    assert told("projects.project.submit") == ["ministry"]


def test_an_adjustment_asks_the_approver_and_its_decision_tells_the_requester(tayninh_officer, tayninh_approver):
    project = factories.approve(
        factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
    )
    project = services.project_update(
        project=project,
        by=tayninh_officer,
        data={"end_date": datetime.date(2026, 12, 10)},
        expected_version=project.version,
        reason="Chậm giao thiết bị",
    )
    assert told("projects.adjustment.requested") == ["tn.approver"]
    services.adjustment_decide(
        adjustment=project.adjustments.get(), by=tayninh_approver, approve=False, reason="Không đủ căn cứ"
    )
    assert told("projects.adjustment.rejected") == ["tn.officer"]
    assert Notice.objects.get(kind="projects.adjustment.rejected").comment == "Không đủ căn cứ"
