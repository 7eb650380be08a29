"""Forms only collect input; rules live in services (deadline, scope, file types)."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from conferences.models import ConclusionFollowUp, Document
from provinces.models import Province, Unit


class PortalForm(forms.Form):
    """Labels without a trailing colon: screen readers read the label as written."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class DelegateForm(PortalForm):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    position = forms.CharField(label=_("Position"), max_length=255)
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("Other organisation")
    )
    organisation = forms.CharField(
        label=_("Other organisation"),
        max_length=255,
        required=False,
        help_text=_("Only for a delegate from an association or an enterprise."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        validators=[
            RegexValidator(r"^\+?[0-9 .()-]{8,20}$", _("Write the phone number with digits, e.g. 0276 3822 123."))
        ],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args, province: Province, initial_unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = province.units.prefetch_related("names").order_by("kind")
        if initial_unit is not None and initial_unit.province_id == province.pk:
            self.fields["unit"].initial = initial_unit.pk


class FollowUpForm(PortalForm):
    status = forms.ChoiceField(label=_("Status"), choices=ConclusionFollowUp.Status.choices)
    note = forms.CharField(label=_("What has been done"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    evidence = forms.FileField(
        label=_("Evidence (PDF, DOCX, JPEG or PNG, up to 20 MB)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png"}),
    )


class DocumentForm(PortalForm):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Document.Kind.choices)
    title = forms.CharField(label=_("Document title"), max_length=255)
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.none(), required=False)
    file = forms.FileField(
        label=_("File (PDF, DOCX, JPEG or PNG, up to 20 MB)"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, provinces, ministry: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        if not ministry:  # provinces upload discussion papers only
            self.fields["kind"].choices = [(Document.Kind.DISCUSSION_PAPER, Document.Kind.DISCUSSION_PAPER.label)]
            self.fields["province"].required = True
            self.fields["province"].empty_label = None


class HandoverForm(PortalForm):
    next_host = forms.ChoiceField(label=_("Next year's host province"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {row.province.pk: row.province for row in candidates}
        choices = []
        for row in candidates:
            if row.last_year:
                label = _("%(province)s (last hosted %(year)s)") % {
                    "province": row.province.name,
                    "year": row.last_year,
                }
            else:
                label = _("%(province)s (has not hosted)") % {"province": row.province.name}
            choices.append((row.province.pk, label))
        self.fields["next_host"].choices = choices

    def clean_next_host(self) -> Province:
        return self.candidates[int(self.cleaned_data["next_host"])]
