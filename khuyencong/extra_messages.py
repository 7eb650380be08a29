"""Messages `make messages` cannot find on its own, listed with gettext_noop so they reach our catalogue.

- Messages our code translates inside f-strings, where xgettext cannot see them (the f-strings still call
  gettext at run time). One may leave the list once its call moves out of the f-string.
- Messages of Django's admin and django-axes that those packages ship without Vietnamese: our catalogue
  (LOCALE_PATHS) comes first, so the admin speaks Vietnamese too.
- Messages whose Vietnamese in Django's own catalogue has a space before the full stop ("… 100 ."):
  ours replaces it.

khuyencong/tests/test_languages.py fails when a page looks up a message that has no Vietnamese.
"""

from django.utils.translation import gettext_noop

IN_FSTRINGS = [
    gettext_noop("approved support"),  # reports/charts.py, legend of the activity chart
    gettext_noop("disbursed"),  # reports/charts.py, legend of the activity chart
    gettext_noop("Their values"),  # projects/views.py, the message after a stale edit
]

ADMIN = [
    gettext_noop("Add link"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Change or view list link"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Model name"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Show counts"),
    gettext_noop("Sidebar"),
    gettext_noop("Skip to main content"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("access attempts"),
    gettext_noop("access failures"),
    gettext_noop("access logs"),
]

# Django's Vietnamese puts a space before the stop: "Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 100 ."
DJANGO_SPACED_STOP = [
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Please correct the duplicate data for %(field)s."),
    gettext_noop(
        "Please correct the duplicate data for %(field_name)s which must be unique for the %(lookup)s in %(date_field)s."  # noqa: E501
    ),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("Popup closing…"),
]
