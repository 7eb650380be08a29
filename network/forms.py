from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.fields import AmountField, DayField
from network.models import Collaborator
from projects.models import Fund
from provinces.models import ActivityContent


class NeedForm(forms.Form):
    commune = forms.ModelChoiceField(queryset=None, label=_("Commune"))
    gathered_on = DayField(label=_("Gathered on"))
    description = forms.CharField(label=_("Need or difficulty"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class ProposeForm(forms.Form):
    """The few figures a proposed project needs; the rest is filled on the project's own form later."""

    title = forms.CharField(label=_("Project title"), max_length=500)
    activity = forms.ModelChoiceField(queryset=ActivityContent.objects.order_by("code"), label=_("Activity content"))
    fund = forms.ChoiceField(choices=Fund.choices, label=_("Fund"))
    plan_year = forms.IntegerField(label=_("Plan year"), min_value=2000, max_value=2100)
    start_date = DayField(label=_("Start date"))
    end_date = DayField(label=_("End date"))
    approved_support = AmountField(label=_("Support requested (VND)"))
    counterpart = AmountField(label=_("Counterpart (VND)"), initial=0)


class MeetingForm(forms.Form):
    held_on = DayField(label=_("Date"))
    attendees = forms.ModelMultipleChoiceField(queryset=None, label=_("Attendees"), widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, collaborators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = collaborators


class CollaboratorForm(forms.Form):
    """A collaborator's contract with the province's extension centre: who, for which communes, how long, the fee."""

    full_name = forms.CharField(label=_("Full name"), max_length=120)
    position = forms.CharField(
        label=_("Position"), max_length=160, required=False, help_text=_("E.g. commune official, economic staff.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    communes = forms.ModelMultipleChoiceField(queryset=None, label=_("Communes"), widget=forms.CheckboxSelectMultiple)
    contract_start = DayField(label=_("Contract start"))
    contract_end = DayField(label=_("Contract end"), required=False)
    monthly_fee = AmountField(label=_("Monthly fee (VND)"), initial=0)
    status = forms.ChoiceField(
        label=_("Status"), choices=Collaborator.Status.choices, initial=Collaborator.Status.ACTIVE
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, communes, editing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = communes
        if not editing:  # a new contract starts active; the status is changed later, on the contract itself
            del self.fields["status"]
            del self.fields["version"]
