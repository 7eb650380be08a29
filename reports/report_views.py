"""Periodic report pages: thin doors onto reports.selectors and reports.services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyencong.concurrency import StaleEdit
from periods import selectors as period_selectors
from periods import services as period_services
from periods.models import PeriodKind, ReportingPeriod
from provinces.models import User
from reports import documents, figures, selectors, services
from reports import views as dashboard_views
from reports.models import Report


class NarrativeForm(forms.Form):
    achievements = forms.CharField(
        label=gettext_lazy("Results achieved"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    difficulties = forms.CharField(
        label=gettext_lazy("Difficulties and obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    proposals = forms.CharField(
        label=gettext_lazy("Proposals and recommendations"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput)


class PeriodChoiceForm(forms.Form):
    """The period as two lists, year and period, the same as on the dashboards: no free text to mistype,
    and no quarter number left showing beside "9 tháng" (the number belongs to the period chosen)."""

    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, choices=())
    period = forms.ChoiceField(label=gettext_lazy("Reporting period"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, figures.FIRST_YEAR - 1, -1)]
        self.fields["period"].choices = dashboard_views.period_labels()

    @staticmethod
    def code_for(kind: str, number: int) -> str:
        return next(code for code, value in dashboard_views.PERIODS.items() if value == (kind, number))


def _message(error) -> str:
    return str(error) if isinstance(error, PermissionDenied) else " ".join(error.messages)


def _chosen_period(request) -> ReportingPeriod:
    """The period asked for, else the latest with reports, else this quarter; unsaved when not generated
    yet (a page view never creates a period: the sweep does)."""
    query = request.GET.copy()
    if "kind" in query and "period" not in query:  # links written before the period list: kind and number
        kind = query["kind"]
        number = query.get("number", "1") if kind == PeriodKind.QUARTER else "1"
        query["period"] = next(
            (c for c, v in dashboard_views.PERIODS.items() if v[0] == kind and str(v[1]) == number), ""
        )
    form = PeriodChoiceForm(query or None)
    if form.is_valid():
        kind, number = dashboard_views.PERIODS[form.cleaned_data["period"]]
        return period_selectors.period_for(kind=kind, year=form.cleaned_data["year"], number=number)
    latest = ReportingPeriod.objects.filter(reports__isnull=False).order_by("-ends_on", "kind").first()
    return latest or period_selectors.current_quarter()


@login_required
def report_list(request):
    """For one period: every province's report, submitted on time or late or missing, with downloads."""
    period = _chosen_period(request)
    rows = selectors.timeliness(period=period, user=request.user)
    regional = (
        selectors.report_list_for(user=request.user)
        .filter(period_selectors.same_period(period), province__isnull=True)
        .order_by("-version")
        .first()
        if request.user.sees_all_provinces
        else None
    )
    form = PeriodChoiceForm(
        initial={"year": period.year, "period": PeriodChoiceForm.code_for(period.kind, period.number)}
    )
    context = {
        "period": period,
        "rows": rows,
        "totals": selectors.completeness(rows),
        "regional": regional,
        "form": form,
    }
    return render(request, "reports/report_list.html", context)


@login_required
def report_detail(request, pk):
    report = selectors.report_get_for(user=request.user, pk=pk)
    user = request.user
    # the province writes its own report; ministry staff write and issue the regional one
    author = user.role == User.Role.MINISTRY if report.is_regional else user.is_provincial
    editable = author and report.status == Report.Status.DRAFT
    versions = selectors.versions_of(report)
    form = NarrativeForm(
        initial={
            "achievements": report.achievements,
            "difficulties": report.difficulties,
            "proposals": report.proposals,
            "edit_version": report.edit_version,
        }
    )
    context = {
        "report": report,
        "versions": versions,
        "events": report.events.select_related("by"),
        "form": form if editable else None,
        "can_submit": editable and (report.is_regional or user.role == User.Role.APPROVER),
        "can_review": user.sees_all_provinces and report.status == Report.Status.SUBMITTED and not report.is_regional,
        "can_issue_new_version": (
            report.is_regional and author and report.is_frozen and versions.first().pk == report.pk
        ),
    }
    return render(request, "reports/report_detail.html", context)


@login_required
def report_status(request, pk):
    """The generation badge, polled by htmx every two seconds while the files are being made."""
    report = selectors.report_get_for(user=request.user, pk=pk)
    return render(request, "reports/_generation.html", {"report": report})


@login_required
@require_POST
def report_narrative(request, pk):
    report = selectors.report_get_for(user=request.user, pk=pk)
    form = NarrativeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.report_narrative_save(
                report=report,
                by=request.user,
                expected_version=data["edit_version"],
                achievements=data["achievements"],
                difficulties=data["difficulties"],
                proposals=data["proposals"],
            )
        except StaleEdit:
            messages.error(request, _("Someone else saved this report after you opened it. Reload to see their text."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, _("The report text was saved."))
    return redirect("reports:detail", pk=pk)


@login_required
@require_POST
def report_submit(request, pk):
    report = selectors.report_get_for(user=request.user, pk=pk)
    try:
        services.report_submit(report=report, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            _("The regional report was issued; its figures are now frozen.")
            if report.is_regional
            else _("The report was submitted; its figures are now frozen."),
        )
    return redirect("reports:detail", pk=pk)


@login_required
@require_POST
def report_new_version(request, pk):
    """Ministry staff start the next version of an issued regional report."""
    report = selectors.report_get_for(user=request.user, pk=pk)
    try:
        draft = services.report_new_version(report=report, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
        return redirect("reports:detail", pk=pk)
    messages.success(request, _("Version %(n)s was started as a draft with today's figures.") % {"n": draft.version})
    return redirect("reports:detail", pk=draft.pk)


@login_required
@require_POST
def report_review(request, pk):
    report = selectors.report_get_for(user=request.user, pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        services.report_review(report=report, by=request.user, accept=accept, comment=request.POST.get("comment", ""))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request, _("The report was accepted.") if accept else _("The report was returned to the province.")
        )
    return redirect("reports:detail", pk=pk)


@login_required
@require_POST
def report_regenerate(request, pk):
    report = selectors.report_get_for(user=request.user, pk=pk)
    if services.report_request_generation(report_id=report.pk):
        messages.success(request, _("The files are being generated; this page shows when they are ready."))
    else:
        messages.error(request, _("A submitted report's files are final and are not generated again."))
    return redirect("reports:detail", pk=pk)


@login_required
def report_download(request, pk, fmt):
    """Served from storage immediately; scoped like the report itself."""
    report = selectors.report_get_for(user=request.user, pk=pk)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    stored = report.pdf if fmt == "pdf" else report.xlsx
    if not stored:
        raise Http404
    name = documents.file_name(report, fmt)
    content_type = (
        "application/pdf" if fmt == "pdf" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    try:
        response = FileResponse(stored.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    except FileNotFoundError:
        raise Http404 from None
    response["Cache-Control"] = "private, no-store"  # a province's figures: not for shared caches
    return response


class ExceptionRequestForm(forms.Form):
    period = forms.ModelChoiceField(label=gettext_lazy("Period"), queryset=ReportingPeriod.objects.order_by("-ends_on"))
    reason = forms.CharField(
        label=gettext_lazy("Why the data must still change"), widget=forms.Textarea(attrs={"rows": 3})
    )


@login_required
def exception_list(request):
    """Provinces ask to change closed data; ministry staff grant or refuse. Every decision is kept."""
    form = ExceptionRequestForm(request.POST or None) if request.user.is_provincial else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            period_services.entry_exception_request(
                period=form.cleaned_data["period"], by=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, _("Your request was sent to the ministry."))
            return redirect("reports:exceptions")
    return render(
        request,
        "reports/exception_list.html",
        {"form": form, "exceptions": selectors.exceptions_for(user=request.user)},
    )


@login_required
@require_POST
def exception_decide(request, pk):
    exception = get_object_or_404(selectors.exceptions_for(user=request.user), pk=pk)
    try:
        period_services.entry_exception_decide(
            exception=exception,
            by=request.user,
            grant=request.POST.get("decision") == "grant",
            comment=request.POST.get("comment", ""),
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("reports:exceptions")
