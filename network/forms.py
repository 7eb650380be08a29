from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Fund
from provinces.models import ActivityContent


class NeedForm(forms.Form):
    commune = forms.ModelChoiceField(queryset=None, label=_("Commune"))
    gathered_on = forms.DateField(label=_("Gathered on"), widget=forms.DateInput(attrs={"type": "date"}))
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
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    approved_support = forms.DecimalField(label=_("Support requested (VND)"), min_value=0, decimal_places=0)
    counterpart = forms.DecimalField(label=_("Counterpart (VND)"), min_value=0, decimal_places=0, initial=0)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.ModelMultipleChoiceField(queryset=None, label=_("Attendees"), widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, collaborators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = collaborators
