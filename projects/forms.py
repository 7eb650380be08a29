"""Forms shape and validate input; the services apply the rules and write."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.fields import AmountField, DayField
from projects.models import Attachment, Fund, MoneyEntry, Project, Status
from provinces.models import ActivityContent, Province, Unit


class ProjectForm(forms.ModelForm):
    """The fields an officer edits. `version` carries the version the form was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    start_date = DayField(label=_("start date"))
    end_date = DayField(label=_("end date"))
    approved_support = AmountField(label=_("state support (VND)"))
    counterpart = AmountField(label=_("counterpart funds (VND)"), required=False)
    other_sources = AmountField(label=_("other sources (VND)"), required=False)
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

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if provinces is not None:
            self.fields["province"].queryset = provinces
            self.fields["implementing_unit"].queryset = (
                Unit.objects.filter(province__in=provinces).prefetch_related("names").select_related("province")
            )
        self.fields["activity"].queryset = ActivityContent.objects.all()

    def clean(self):
        data = super().clean()
        for name in ("counterpart", "other_sources"):  # optional in the form, zero on the project
            if name in data and data[name] is None:
                data[name] = 0
        return data

    def _post_clean(self):
        """Model validation (and its English messages) is left to the services."""


class MoneyEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MoneyEntry.Kind.choices)
    amount = AmountField(label=_("Amount (VND)"))
    date = DayField(label=_("Date"))
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


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
    order = django_filters.OrderingFilter(
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
