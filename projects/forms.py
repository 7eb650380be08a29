"""Forms shape and validate input; the services apply the rules and write."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Attachment, Fund, MoneyEntry, Project, Status
from provinces.models import ActivityContent, Province, Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProjectForm(forms.ModelForm):
    """The fields an officer edits. `version` carries the version the form was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you change the figures or dates of an approved project."),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "province",
            "implementing_unit",
            "plan_year",
            "fund",
            "activity",
            "location",
            "start_date",
            "end_date",
            "approved_support",
            "counterpart",
            "other_sources",
            "is_pilot",
            "is_group",
            "is_inter_provincial",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if provinces is not None:
            self.fields["province"].queryset = provinces
            self.fields["implementing_unit"].queryset = (
                Unit.objects.filter(province__in=provinces).prefetch_related("names").select_related("province")
            )
        self.fields["activity"].queryset = ActivityContent.objects.all()
        if self.instance.pk is None:
            del self.fields["reason"]  # a new project has nothing approved to change yet
        # Say what to choose instead of Django's "---------".
        self.fields["province"].empty_label = _("Choose the province")
        self.fields["implementing_unit"].empty_label = _("Choose the implementing unit")
        self.fields["activity"].empty_label = _("Choose the activity content")
        self.fields["fund"].choices = [("", _("Choose the fund")), *Fund.choices]
        for name in ("approved_support", "counterpart", "other_sources"):
            self.fields[name].widget.attrs.update({"step": "1", "min": "0", "inputmode": "numeric"})

    def _post_clean(self):
        """Model validation (and its English messages) is left to the services."""


class MoneyEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MoneyEntry.Kind.choices)
    amount = forms.DecimalField(label=_("Amount (VND)"), max_digits=18, decimal_places=0, min_value=1)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class ProgressForm(forms.Form):
    completion_percent = forms.IntegerField(label=_("Completion (%)"), min_value=0, max_value=100)
    narrative = forms.CharField(label=_("Progress"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    difficulties = forms.CharField(label=_("Difficulties"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    disbursement = forms.DecimalField(
        label=_("New disbursement (VND)"), required=False, max_digits=18, decimal_places=0, min_value=1
    )
    disbursement_date = forms.DateField(label=_("Disbursement date"), required=False, widget=DateInput())


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG, PNG or XLSX)"))

    def __init__(self, *args, **kwargs):
        # Shown beside the money form, which has a "kind" too: ids of their own keep each label on its field.
        kwargs.setdefault("auto_id", "attachment_%s")
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's ordering with our own "descending" label: the library has no Vietnamese catalogue."""

    descending_fmt = _("%s (descending)")


class ProjectFilter(django_filters.FilterSet):
    """Filters of the project list and its Excel export (the same query parameters)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=Province.objects.all(), method="filter_province", empty_label=_("All")
    )
    year = django_filters.NumberFilter(label=_("Plan year"), field_name="plan_year")
    fund = django_filters.ChoiceFilter(label=_("Fund"), choices=Fund.choices, empty_label=_("All"))
    activity = django_filters.ModelChoiceFilter(
        label=_("Activity"), queryset=ActivityContent.objects.all(), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("All"))
    late = django_filters.ChoiceFilter(
        label=_("Schedule"), choices=[("1", _("late")), ("0", _("on time"))], method="filter_late", empty_label=_("All")
    )
    order = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Default order"),
        fields=[
            ("code", "code"),
            ("plan_year", "year"),
            ("approved_support", "support"),
            ("end_date", "end"),
            ("title", "title"),
        ],
        field_labels={
            "code": _("code"),
            "plan_year": _("year"),
            "approved_support": _("support"),
            "end_date": _("end date"),
            "title": _("title"),
        },
    )

    class Meta:
        model = Project
        fields = []

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if provinces is not None:
            self.filters["province"].queryset = provinces

    def filter_province(self, queryset, name, value):
        """A province with the provinces merged into it: today's Tây Ninh lists old Tây Ninh and Long An too."""
        from provinces import selectors as province_selectors

        return queryset.filter(province_id__in=province_selectors.province_family_ids(province_id=value.pk))

    def filter_search(self, queryset, name, value):
        from projects import selectors

        return selectors.search(queryset, value)

    def filter_late(self, queryset, name, value):
        from projects import selectors

        late = selectors.late_filter()
        return queryset.filter(late) if value == "1" else queryset.exclude(late)
