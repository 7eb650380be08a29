"""Optimistic concurrency shared by every app's services: a record carries a version; a write that names
an older version than the stored one raises StaleEdit instead of overwriting someone else's change.
The pages turn it into a message, the API (khuyencong.api.stale) into a 409/412 listing the changes."""

from django.utils.translation import gettext as _


class StaleEdit(Exception):
    """Someone saved the record after this person loaded it. `changes`: field → (theirs, current)."""

    def __init__(self, changes: dict[str, tuple[str, str]]):
        self.changes = changes
        super().__init__(_("Someone else saved this record after you opened it."))
