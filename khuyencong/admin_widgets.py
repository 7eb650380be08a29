"""Admin widgets with accessible names: Django's split date/time box gives its two inputs no label."""

from django.contrib.admin import widgets
from django.db import models
from django.utils.translation import gettext_lazy as _


class LabelledSplitDateTime(widgets.AdminSplitDateTime):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = _("Date")
        self.widgets[1].attrs["aria-label"] = _("Time")


# For a ModelAdmin: formfield_overrides = admin_widgets.LABELLED
LABELLED = {models.DateTimeField: {"widget": LabelledSplitDateTime}}
