"""Who may do what in a selection round: one home for the permission rules the services and selectors share.

- Ministry staff manage regional and national rounds and read everything.
- A province's officers and approvers manage their province's commune and province rounds (and those of the
  provinces merged into it), and file their province's entries; they read regional and national rounds,
  but only their own province's entries in them.
- A judge reads the rounds they judge and scores their eligible entries.
"""

from products.models import Level, Round
from provinces.models import User
from provinces.selectors import province_ids_in_scope, scope_allows


def manages(user: User, round_: Round) -> bool:
    """Organiser rights over a round: set it up, screen entries, record the council's decisions."""
    if not user.is_authenticated:
        return False
    if user.sees_all_provinces:
        return True
    if round_.level not in (Level.COMMUNE, Level.PROVINCE) or not user.is_provincial:
        return False
    return scope_allows(province_ids_in_scope(user=user), round_.province_id)


def files_for(user: User, province_id: int) -> bool:
    """May file and edit entries of this province."""
    if not user.is_authenticated:
        return False
    if user.sees_all_provinces:
        return True
    return user.is_provincial and scope_allows(province_ids_in_scope(user=user), province_id)
