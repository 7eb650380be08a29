"""Who is told: the people of a province with given roles, and ministry staff. Reads only."""

from django.db.models import QuerySet

from provinces.models import Province, User


def _today_province_ids(province_id: int) -> set[int]:
    """A province and what it became: a project of old Long An is decided by today's Tây Ninh."""
    ids, current = {province_id}, province_id
    while True:
        successor = Province.objects.filter(pk=current).values_list("successor_id", flat=True).first()
        if not successor or successor in ids:
            return ids
        ids.add(successor)
        current = successor


def province_staff(*, province_id: int, roles: tuple[str, ...] = (User.Role.OFFICER, User.Role.APPROVER)) -> QuerySet:
    """Active accounts of the province (or of what it became) with one of the roles."""
    return User.objects.filter(is_active=True, role__in=roles, unit__province_id__in=_today_province_ids(province_id))


def ministry_staff() -> QuerySet:
    return User.objects.filter(is_active=True, role=User.Role.MINISTRY)
