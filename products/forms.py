"""Forms of the selection pages: they parse input; the rules live in products.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.fields import AmountField, DayField
from khuyencong.text import vi_order
from products.models import Complaint, CouncilMember, DossierFile, Judge, Level, ProductGroup, Round
from projects.models import Beneficiary, Project
from provinces.models import Commune, Province, Region, Unit, User


class RoundForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2012, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=255)
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.none(), required=False)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False)
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=Unit.objects.none())
    registration_deadline = DayField(label=_("Registration deadline"))
    judging_starts = DayField(label=_("Judging starts"))
    judging_ends = DayField(label=_("Judging ends"))
    host_province = forms.ModelChoiceField(label=_("Host"), queryset=Province.objects.none(), required=False)
    project = forms.ModelChoiceField(label=_("Funded by"), queryset=Project.objects.none(), required=False)
    feeds = forms.ModelChoiceField(label=_("Sends entries to"), queryset=Round.objects.none(), required=False)

    def __init__(self, *args, provinces, units, projects, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_province"].queryset = Province.objects.order_by("-code_set", vi_order("name"))
        self.fields["project"].queryset = projects
        self.fields["feeds"].queryset = rounds
        self.fields["province"].queryset = provinces
        self.fields["commune"].queryset = Commune.objects.filter(province__in=provinces).order_by(vi_order("name"))
        self.fields["organiser"].queryset = units


class EntryForm(forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.none())
    beneficiary = forms.ModelChoiceField(
        label=_("Establishment from the registry"), queryset=Beneficiary.objects.none(), required=False
    )
    new_name = forms.CharField(label=_("or a new establishment: name"), max_length=255, required=False)
    new_kind = forms.ChoiceField(label=_("Kind of establishment"), choices=Beneficiary.Kind.choices, required=False)
    new_tax_code = forms.CharField(label=_("Tax code"), max_length=14, required=False)
    product_name = forms.CharField(label=_("Product"), max_length=255)
    group = forms.ChoiceField(label=_("Product group"), choices=ProductGroup.choices)
    is_set = forms.BooleanField(label=_("A set of products"), required=False)
    set_items = forms.CharField(label=_("Items of the set"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    received_on = DayField(label=_("Dossier received on"))

    def __init__(self, *args, provinces, beneficiaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["beneficiary"].queryset = beneficiaries


class DossierFileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DossierFile.Kind.choices)
    file = forms.FileField(label=_("File"))


class ScreenForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Screening"), choices=[("eligible", _("eligible")), ("ineligible", _("not eligible"))]
    )
    reason = forms.CharField(
        label=_("Reason (when not eligible)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CouncilMemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=CouncilMember.Role.choices)
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    position = forms.CharField(label=_("Position"), max_length=255, required=False)


class JudgeForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Account"), queryset=User.objects.filter(is_active=True).order_by("username"))
    role = forms.ChoiceField(label=_("Role"), choices=Judge.Role.choices)


class BandsForm(forms.Form):
    block = forms.ChoiceField(label=_("Block"))
    bands = forms.CharField(
        label=_("Bands, one a line: name; maximum points"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].choices = [(b.code, f"{b.name_vi} ({b.max_points})") for b in blocks]

    def clean_bands(self):
        bands = []
        for line in self.cleaned_data["bands"].splitlines():
            if not line.strip():
                continue
            name, sep, points = line.rpartition(";")
            if not sep:
                raise forms.ValidationError(_("Write each band as: name; maximum points."))
            bands.append({"name_vi": name.strip(), "max_points": points.strip().replace(",", ".")})
        return bands


class ThresholdForm(forms.Form):
    threshold = forms.DecimalField(label=_("Threshold (mean points)"), max_digits=5, decimal_places=2)


class RecognitionForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=60)
    signed_on = DayField(label=_("Decision date"))
    signer_name = forms.CharField(label=_("Signed by"), max_length=120)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=255)


class ComplaintForm(forms.Form):
    complainant = forms.CharField(label=_("Complainant"), max_length=255)
    received_on = DayField(label=_("Received on"))
    entry = forms.ModelChoiceField(label=_("Entry concerned"), queryset=None, required=False)
    text = forms.CharField(label=_("Complaint"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Complaint.Outcome.choices)
    resolved_on = DayField(label=_("Resolved on"))
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))


class RevokeForm(forms.Form):
    revoked_on = DayField(label=_("Revoked on"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class PromotionForm(forms.Form):
    to_round = forms.ModelChoiceField(label=_("Next-level round"), queryset=None)
    letter_number = forms.CharField(label=_("Covering letter number"), max_length=60)
    letter_date = DayField(label=_("Covering letter date"))
    letter = forms.FileField(label=_("Covering letter (PDF or DOCX)"))

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_round"].queryset = rounds


class AnnualReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2012, max_value=2100)
    support_received = forms.CharField(
        label=_("Support received"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    support_amount = AmountField(label=_("Support received (VND)"), initial=0)
    revenue = AmountField(label=_("Revenue (VND)"), required=False)
    business_situation = forms.CharField(label=_("Business situation"), widget=forms.Textarea(attrs={"rows": 3}))
