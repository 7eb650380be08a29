"""Who is told: the people of a province with given roles, and ministry staff. Reads only."""

from django.db.models import QuerySet

from provinces import selectors as province_selectors
from provinces.models import User


def province_staff(*, province_id: int, roles: tuple[str, ...] = (User.Role.OFFICER, User.Role.APPROVER)) -> QuerySet:
    """Active accounts of the province (or of what it became) with one of the roles."""
    return User.objects.filter(
        is_active=True,
        role__in=roles,
        unit__province_id__in=province_selectors.successor_chain_ids(province_id=province_id),
    )


def ministry_staff() -> QuerySet:
    return User.objects.filter(is_active=True, role=User.Role.MINISTRY)
