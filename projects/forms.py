"""Forms shape and validate input; the services apply the rules and write."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.fields import AmountField, DayField
from khuyencong.text import vi_order
from projects.models import Attachment, Beneficiary, Fund, MoneyEntry, Project, ProjectDecision, Status
from provinces.models import ActivityContent, Commune, Province, Unit


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
            "commune",
            "former_commune_name",
            "location",
            "start_date",
            "end_date",
            "approved_support",
            "counterpart",
            "other_sources",
            "is_pilot",
            "is_group",
            "is_inter_provincial",
            "partner_provinces",
        ]
        widgets = {
            "partner_provinces": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "is_pilot": _("Two or more linked activity contents, large scale, more than a year."),
        }

    # Chosen from the registry with the search beside it (static/js/portal.js moves a ticked result here).
    beneficiaries = forms.ModelMultipleChoiceField(
        label=_("Establishments (beneficiaries)"),
        queryset=Beneficiary.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )

    def __init__(self, *args, provinces=None, establishments=None, partner_choices=None, reload_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        if provinces is not None:
            offered = self._provinces_of_plan_year(provinces)
            self.fields["province"].queryset = offered
            # the units of the provinces offered and of today's (a former province's project may be run by its
            # successor's centre)
            self.fields["implementing_unit"].queryset = (
                Unit.objects.filter(Q(province__in=offered) | Q(province__in=provinces.filter(valid_to__isnull=True)))
                .prefetch_related("names")
                .select_related("province")
            )
        self.fields["province"].error_messages["invalid_choice"] = _(
            "Choose one of the provinces that existed at the end of the plan year (a project of a year before "
            "1 July 2025 is recorded under the former province)."
        )
        if reload_url:  # changing the plan year reloads the provinces offered (htmx, the same page with the year)
            self.fields["plan_year"].widget.attrs.update(
                {
                    "hx-get": reload_url,
                    "hx-trigger": "change",
                    "hx-include": "this",
                    "hx-select": "#id_province",
                    "hx-target": "#id_province",
                    "hx-swap": "outerHTML",
                }
            )
        self.fields["activity"].queryset = ActivityContent.objects.all()
        if establishments is not None:
            self.fields["beneficiaries"].queryset = establishments
        self.fields["partner_provinces"].queryset = (
            partner_choices if partner_choices is not None else Province.objects.none()
        )
        # The commune list follows the chosen province (htmx reloads it from projects:communes).
        self.fields["commune"].queryset = Commune.objects.filter(province=self._province()).order_by(vi_order("name"))
        self.fields["commune"].label = _("Commune (today)")
        self.fields["commune"].empty_label = _("Choose the commune")
        self.fields["commune"].label_from_instance = lambda commune: commune.name  # the province is chosen above
        if self.instance.pk is None:
            del self.fields["reason"]  # a new project has nothing approved to change yet
        # Say what to choose instead of Django's "---------".
        self.fields["province"].empty_label = _("Choose the province")
        self.fields["implementing_unit"].empty_label = _("Choose the implementing unit")
        self.fields["activity"].empty_label = _("Choose the activity content")
        self.fields["fund"].choices = [("", _("Choose the fund")), *Fund.choices]

    def clean(self):
        data = super().clean()
        for name in ("counterpart", "other_sources"):  # optional in the form, zero on the project
            if name in data and data[name] is None:
                data[name] = 0
        return data

    def _plan_year(self) -> int:
        """The plan year the form is for: the one posted, else the initial or the project's, else this year."""
        value = self.data.get(self.add_prefix("plan_year")) if self.is_bound else None
        value = value or self.initial.get("plan_year") or (self.instance.plan_year if self.instance.pk else None)
        try:
            year = int(str(value).strip())
        except (TypeError, ValueError):
            return timezone.localdate().year
        return year if 1900 < year < 2200 else timezone.localdate().year

    def _provinces_of_plan_year(self, provinces):
        """The provinces in the user's scope that existed at the end of the plan year (the former provinces for a
        year before the 2025 merger), and the province the project already has."""
        from provinces import selectors as province_selectors

        offered = province_selectors.provinces_of_plan_year(provinces, year=self._plan_year())
        if self.instance.pk:
            return provinces.filter(Q(pk__in=offered.values("pk")) | Q(pk=self.instance.province_id))
        return offered

    def _province(self):
        """The province whose communes are offered: the one posted, else the project's, else the first offered."""
        value = self.data.get(self.add_prefix("province")) if self.is_bound else None
        value = value or self.initial.get("province") or (self.instance.province_id if self.instance.pk else None)
        province = (
            value
            if isinstance(value, Province)
            else Province.objects.filter(pk=str(value)).first()
            if value and str(value).isdigit()
            else None
        )
        if province is None:
            return None
        from provinces import selectors as province_selectors

        return province_selectors.province_on(province)  # communes are those of today's provinces

    def chosen_establishments(self):
        """The establishments the form currently carries, to show them ticked in the chosen list."""
        if self.is_bound:
            ids = [value for value in self.data.getlist(self.add_prefix("beneficiaries")) if str(value).isdigit()]
        else:
            ids = [b.pk for b in self.initial.get("beneficiaries", [])] if self.initial.get("beneficiaries") else []
            if not ids and self.instance.pk:
                ids = list(self.instance.beneficiaries.values_list("pk", flat=True))
        return self.fields["beneficiaries"].queryset.filter(pk__in=ids).select_related("commune")

    def _post_clean(self):
        """Model validation (and its English messages) is left to the services."""


class EstablishmentForm(forms.ModelForm):
    """A new establishment entered in place on the project form (prefix `new`): all optional until named."""

    class Meta:
        model = Beneficiary
        fields = ["name", "kind", "tax_code", "commune", "address", "women_owned", "ethnic_minority_owned"]
        labels = {"name": _("Name of the new establishment"), "commune": _("Commune")}
        help_texts = {"tax_code": _("10 digits, or 13 for a branch (0123456789-001); checked by its check digit.")}

    def __init__(self, *args, communes=None, **kwargs):
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["kind"].choices = [("", "—")] + list(Beneficiary.Kind.choices)
        self.fields["commune"].queryset = communes if communes is not None else Commune.objects.none()
        self.fields["commune"].empty_label = _("Choose the commune")
        self.fields["tax_code"].widget.attrs.update({"inputmode": "numeric", "maxlength": "16"})

    @property
    def is_filled(self) -> bool:
        return self.is_bound and bool((self.data.get(self.add_prefix("name")) or "").strip())

    def _post_clean(self):
        """Validation is the service's (establishment_create)."""


class DecisionForm(forms.Form):
    """A decision or document of the life cycle: number, date, signer and its file."""

    kind = forms.ChoiceField(label=_("Kind of document"), choices=ProjectDecision.Kind.choices)
    number = forms.CharField(label=_("Document number"), max_length=60)
    date = DayField(label=_("Date"))
    signer = forms.CharField(label=_("Signed by"), max_length=255, required=False)
    file = forms.FileField(label=_("File (PDF, Word, Excel, OpenDocument)"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "decision_%s")
        super().__init__(*args, **kwargs)


class TransitionDecisionForm(forms.Form):
    """The document a step is decided by, entered with the step (all optional)."""

    number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    date = DayField(label=_("Date"), required=False)
    signer = forms.CharField(label=_("Signed by"), max_length=255, required=False)
    file = forms.FileField(label=_("File"), required=False)


class CeilingForm(forms.Form):
    """A support ceiling of a People's Council resolution, entered by the province's approver."""

    activity = forms.ModelChoiceField(
        label=_("Activity content"),
        queryset=ActivityContent.objects.all(),
        empty_label=_("Choose the activity content"),
    )
    variant = forms.CharField(label=_("Case"), max_length=120, required=False)
    legal_basis = forms.CharField(label=_("Legal basis (resolution)"), max_length=255)
    valid_from = DayField(label=_("In force from"))
    valid_to = DayField(label=_("In force until"), required=False)
    max_share = forms.DecimalField(
        label=_("Maximum share of the cost (%)"), max_digits=5, decimal_places=2, required=False
    )
    max_amount = AmountField(label=_("Maximum amount (VND)"), required=False)
    max_advance_share = forms.DecimalField(
        label=_("Maximum advances (per cent of the support)"), max_digits=5, decimal_places=2, required=False
    )


class MoneyEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MoneyEntry.Kind.choices)
    amount = AmountField(label=_("Amount (VND)"))
    date = DayField(label=_("Date"))
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG, PNG, Word, Excel, OpenDocument)"))

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


class DayFilter(django_filters.Filter):
    """A day typed dd/mm/yyyy (ISO yyyy-mm-dd too, as the dashboards' links write it)."""

    field_class = DayField


class ProjectFilter(django_filters.FilterSet):
    """Filters of the project list and its Excel export (the same query parameters).

    `money_from`/`money_to` do not choose projects: they set the dates of the money shown (disbursed between
    them, both inclusive), so a dashboard cell's link lists the same money as the cell (its window and
    cut-off) and the list's total row equals it. `province_only` counts the province recorded on the project
    without the provinces merged into it ("as they were" rows).
    """

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
    province_only = django_filters.ChoiceFilter(
        label=_("Merged provinces"),
        choices=[("1", _("only the province chosen"))],
        empty_label=_("with the provinces merged into it"),
        method="filter_nothing",
    )
    money_from = DayFilter(label=_("Money dated from"), method="filter_nothing")
    money_to = DayFilter(label=_("Money dated up to"), method="filter_nothing")
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

    def money_window(self) -> tuple:
        """(from, up to) of the money shown; (None, None): all money to date."""
        if not self.is_bound or not self.form.is_valid():
            return None, None
        return self.form.cleaned_data.get("money_from"), self.form.cleaned_data.get("money_to")

    def key_filters(self) -> dict | None:
        """The projects this list chooses, as filters on the money roll-up's own key (province, plan year,
        fund, activity: projects/rollup.py), so the list's disbursed total can be read from the roll-up:
        {} when nothing narrows the scope; None when a search, status or schedule filter or a money window
        chooses too, or the filters do not validate (they are then summed from the entries)."""
        if not self.is_bound:
            return {}
        if not self.form.is_valid():
            return None
        data = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "", [])}
        data.pop("order", None)
        if set(data) - {"province", "province_only", "year", "fund", "activity"}:
            return None
        keys = {}
        if "province" in data:
            keys["province_id__in"] = self._province_ids(data["province"])
        if "year" in data:
            keys["plan_year"] = int(data["year"])
        if "fund" in data:
            keys["fund"] = data["fund"]
        if "activity" in data:
            keys["activity_id"] = data["activity"].pk
        return keys

    def filter_nothing(self, queryset, name, value):
        return queryset  # read by money_window() and filter_province()

    def filter_province(self, queryset, name, value):
        """A province with the provinces merged into it: today's Tây Ninh lists old Tây Ninh and Long An too
        (only the province itself with province_only=1)."""
        return queryset.filter(province_id__in=self._province_ids(value))

    def _province_ids(self, province) -> list[int]:
        from provinces import selectors as province_selectors

        if self.form.cleaned_data.get("province_only") == "1":
            return [province.pk]
        return list(province_selectors.province_family_ids(province_id=province.pk))

    def filter_search(self, queryset, name, value):
        from projects import selectors

        return selectors.search(queryset, value)

    def filter_late(self, queryset, name, value):
        from projects import selectors

        late = selectors.late_filter()
        return queryset.filter(late) if value == "1" else queryset.exclude(late)
