"""Project pages: thin doors onto projects.selectors (reads, scoped) and projects.services (writes)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from periods import selectors as period_selectors
from periods import services as period_services
from projects import excel, rules, selectors, services
from projects.forms import (
    AttachmentForm,
    CeilingForm,
    DecisionForm,
    EstablishmentForm,
    ImportForm,
    MoneyEntryForm,
    ProgressForm,
    ProjectFilter,
    ProjectForm,
    ReasonForm,
    TransitionDecisionForm,
)
from projects.models import Attachment, Fund, ProjectAdjustment, SupportCeiling
from provinces import selectors as province_selectors
from provinces.models import Commune, Province

PAGE_SIZE = 50
PERIOD_PAGE_SIZE = 25  # each row is a form: keep the page light


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or _("You are not allowed to do that.")
    return " ".join(error.messages)


def _stale_message(error: services.StaleEdit) -> str:
    changed = ", ".join(f"{field}: {theirs}" for field, (_mine, theirs) in error.changes.items())
    text = _("Someone else saved this project after you opened it; your changes were not saved.")
    their = _("Their values")  # outside the f-string: xgettext does not look inside one
    return f"{text} {their}: {changed}" if changed else text


def _filtered(request):
    provinces = province_selectors.provinces_in_scope_for(user=request.user)
    queryset = selectors.project_list_for(user=request.user)
    return ProjectFilter(request.GET or None, queryset=queryset, provinces=provinces)


@login_required
def project_list(request):
    project_filter = _filtered(request)
    queryset = project_filter.qs if project_filter.is_bound else project_filter.queryset
    page = Paginator(selectors.with_money(queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {"filter": project_filter, "page": page, "query": query.urlencode()},
    )


@login_required
def project_export(request):
    project_filter = _filtered(request)
    queryset = project_filter.qs if project_filter.is_bound else project_filter.queryset
    content = excel.projects_to_xlsx(selectors.with_money(queryset))
    response = HttpResponse(content, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="de-an-khuyen-cong.xlsx"'
    return response


@login_required
def project_detail(request, pk):
    project = selectors.project_detail_for(user=request.user, pk=pk)
    writable = selectors.may_change(user=request.user, project=project)  # partner provinces only read
    context = {
        "project": project,
        "money": selectors.with_money(selectors.project_list_for(user=request.user).filter(pk=pk)).get(),
        "transitions": rules.allowed_transitions(request.user, project) if writable else [],
        "decided_by_document": services.DECISION_OF_ACTION,
        "transition_decision_form": TransitionDecisionForm(auto_id="t_%s"),
        "timeline": selectors.timeline_for(project),
        "can_edit": writable and rules.is_editor(request.user),
        "can_decide": writable and rules.is_approver_for(request.user, project),
        "is_partner_view": not writable,
        "decision_form": DecisionForm(),
        "pending": next(
            (a for a in project.adjustments.all() if a.decision == ProjectAdjustment.Decision.PENDING), None
        ),
        "money_form": MoneyEntryForm(),
        "attachment_form": AttachmentForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "projects/project_detail.html", context)


@login_required
def project_history(request, pk):
    project = selectors.project_get_for(user=request.user, pk=pk)
    return render(
        request, "projects/project_history.html", {"project": project, "changes": selectors.history_for(project)}
    )


def _partner_choices(user):
    """Partner provinces: today's provinces other than the user's own."""
    own = province_selectors.province_ids_in_scope(user=user) or set()
    return Province.objects.filter(valid_to__isnull=True).exclude(pk__in=own).order_by("name")


def _project_forms(request, *, provinces, instance=None, initial=None):
    form = ProjectForm(
        request.POST or None,
        instance=instance,
        provinces=provinces,
        initial=initial,
        establishments=selectors.establishment_list_for(user=request.user),
        partner_choices=_partner_choices(request.user),
    )
    communes = Commune.objects.filter(province__in=provinces).select_related("province").order_by("name")
    new_establishment = EstablishmentForm(request.POST or None, communes=communes)
    return form, new_establishment


def _save_project(request, form, new_establishment, save):
    """Validate both forms, add the new establishment and save the project in one transaction: a refusal
    of either leaves nothing half-saved. Returns the project, or None with the errors on the forms."""
    if not form.is_valid() or (new_establishment.is_filled and not new_establishment.is_valid()):
        return None
    establishments = list(form.cleaned_data["beneficiaries"])
    try:
        with transaction.atomic():
            if new_establishment.is_filled:
                try:
                    establishments.append(
                        services.establishment_create(by=request.user, **new_establishment.cleaned_data)
                    )
                except ValidationError as error:
                    _add_errors(new_establishment, error)
                    raise
            return save(establishments)
    except services.StaleEdit as error:
        form.add_error(None, _stale_message(error))
    except ValidationError as error:
        if not new_establishment.errors:
            _add_errors(form, error)
    return None


@login_required
def project_create(request):
    if not rules.is_editor(request.user):
        raise PermissionDenied
    provinces = province_selectors.provinces_in_scope_for(user=request.user).filter(valid_to__isnull=True)
    form, new_establishment = _project_forms(
        request, provinces=provinces, initial={"province": request.user.unit.province}
    )
    if request.method == "POST":
        project = _save_project(
            request,
            form,
            new_establishment,
            lambda establishments: services.project_create(
                by=request.user,
                data=form.cleaned_data,
                beneficiaries=establishments,
                partner_provinces=list(form.cleaned_data["partner_provinces"]),
            ),
        )
        if project is not None:
            messages.success(request, _("Project %(code)s was created as a draft.") % {"code": project.code})
            return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "new_establishment": new_establishment, "project": None, **rules.status_groups()},
    )


@login_required
def project_edit(request, pk):
    project = selectors.project_get_for_change(user=request.user, pk=pk)
    if not rules.is_editor(request.user):
        raise PermissionDenied
    provinces = province_selectors.provinces_in_scope_for(user=request.user).filter(
        Q(valid_to__isnull=True) | Q(pk=project.province_id)
    )
    form, new_establishment = _project_forms(
        request, provinces=provinces, instance=project, initial={"version": project.version}
    )
    if request.method == "POST":
        updated = _save_project(
            request,
            form,
            new_establishment,
            lambda establishments: services.project_update(
                project=project,
                by=request.user,
                data={field: form.cleaned_data[field] for field in form.Meta.fields if field != "partner_provinces"},
                expected_version=form.cleaned_data["version"] or project.version,
                reason=form.cleaned_data["reason"],
                beneficiaries=establishments,
                partner_provinces=list(form.cleaned_data["partner_provinces"]),
            ),
        )
        if updated is not None:
            if updated.status == updated.Status.ADJUSTING and project.status != updated.Status.ADJUSTING:
                messages.success(request, _("Your changes to the approved figures await the approver's decision."))
            else:
                messages.success(request, _("The project was saved."))
            return redirect("projects:detail", pk=pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "new_establishment": new_establishment, "project": project, **rules.status_groups()},
    )


@login_required
@require_POST
def project_transition(request, pk, action):
    project = selectors.project_get_for_change(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    decision_form = TransitionDecisionForm(request.POST, request.FILES)
    if not decision_form.is_valid():
        messages.error(request, " ".join(m for errors in decision_form.errors.values() for m in errors))
        return redirect("projects:detail", pk=pk)
    document = decision_form.cleaned_data
    try:
        services.project_transition(
            project=project,
            action=action,
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
            decision={
                "number": document["number"],
                "date": document["date"],
                "signer": document["signer"],
                "uploaded_file": document["file"],
            },
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": rules.TRANSITIONS[action].label})
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def adjustment_decide(request, pk, adjustment_pk):
    project = selectors.project_get_for_change(user=request.user, pk=pk)
    adjustment = get_object_or_404(ProjectAdjustment, pk=adjustment_pk, project=project)
    form = ReasonForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        services.adjustment_decide(
            adjustment=adjustment, by=request.user, approve=approve, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The adjustment was approved.") if approve else _("The adjustment was refused."))
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def money_entry_add(request, pk):
    project = selectors.project_get_for_change(user=request.user, pk=pk)
    form = MoneyEntryForm(request.POST)
    if form.is_valid():
        try:
            services.money_entry_add(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The money entry was recorded."))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def attachment_upload(request, pk):
    project = selectors.project_get_for_change(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                project=project,
                by=request.user,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file was uploaded."))
    elif "file" in request.FILES and not request.FILES["file"].size:
        messages.error(request, _("The file is empty: choose a file with content."))
    else:
        messages.error(request, _("Choose a file and its kind."))
    return redirect("projects:detail", pk=pk)


@login_required
def attachment_download(request, pk):
    """Files are never public: the project's scope decides who may download."""
    attachment = get_object_or_404(Attachment, pk=pk)
    selectors.project_get_for(user=request.user, pk=attachment.project_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"  # private evidence: never kept by a proxy or the browser cache
    return response


@login_required
def this_period(request):
    """An officer's active projects, a page at a time, to enter the period's progress and spending row by row."""
    period = period_selectors.current_quarter()  # unsaved until a row is saved: reading writes nothing
    rows = selectors.this_period_rows(user=request.user, period=period)
    page = Paginator(rows, PERIOD_PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.progress = row.period_progress[0] if row.period_progress else None
        row.form = ProgressForm(prefix=f"p{row.pk}", initial=_progress_initial(row.progress))
    missing = selectors.this_period_missing_count(user=request.user, period=period)
    return render(request, "projects/this_period.html", {"period": period, "page": page, "missing": missing})


def _progress_initial(progress) -> dict:
    if progress is None:
        return {"version": 0}
    return {
        "completion_percent": progress.completion_percent,
        "narrative": progress.narrative,
        "difficulties": progress.difficulties,
        "version": progress.version,
    }


@login_required
@require_POST
def this_period_save(request, pk):
    """Save one row (htmx): progress and, optionally, a disbursement; answers with the row re-rendered."""
    project = selectors.project_get_for_change(user=request.user, pk=pk)
    period = period_services.period_stored(period_selectors.current_quarter())
    form = ProgressForm(request.POST, prefix=f"p{pk}")
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.period_entry_save(
                project=project,
                period=period,
                by=request.user,
                completion_percent=data["completion_percent"],
                narrative=data["narrative"],
                difficulties=data["difficulties"],
                expected_version=data["version"],
                disbursement=data["disbursement"],
                disbursement_date=data["disbursement_date"],
            )
        except services.StaleEdit:
            form.add_error(None, _("Someone else saved this row after you opened the page. Reload to see their entry."))
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error) if isinstance(error, ValidationError) else form.add_error(None, str(error))
        else:
            saved = True
    row = selectors.this_period_rows(user=request.user, period=period).get(pk=pk)
    row.progress = row.period_progress[0] if row.period_progress else None
    if saved:
        form = ProgressForm(prefix=f"p{pk}", initial=_progress_initial(row.progress))
    row.form = form
    status = 200 if saved or not form.errors else 422
    return render(request, "projects/_period_row.html", {"row": row, "saved": saved, "period": period}, status=status)


@login_required
def import_template(request):
    response = HttpResponse(excel.import_template(), content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-de-an.xlsx"'
    return response


@login_required
def project_import(request):
    if not rules.is_editor(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, result = [], None
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_workbook(form.cleaned_data["file"], by=request.user)
        except excel.ImportErrors as failure:
            errors = failure.errors
        else:
            messages.success(
                request,
                _("Imported: %(created)s new projects, %(updated)s already present, %(money)s money entries.") % result,
            )
            return redirect("projects:list")
    return render(request, "projects/project_import.html", {"form": form, "errors": errors})


class RegistrationOpenForm(forms.Form):
    plan_year = forms.IntegerField(label=gettext_lazy("Plan year"), min_value=2021, max_value=2100)
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


@login_required
def registrations(request):
    """Next year's national-plan registration: the ministry opens it with a deadline and sees who has
    registered ("04/20"); each province's approver registers the national-fund projects it has submitted."""
    years = selectors.registration_years()
    default_year = years[0] if years else timezone.localdate().year + 1
    try:
        plan_year = int(request.GET.get("year", default_year))
    except ValueError:
        plan_year = default_year
    open_form = RegistrationOpenForm(request.POST or None) if request.user.sees_all_provinces else None
    if request.method == "POST":
        try:
            if open_form is not None and open_form.is_valid():
                data = open_form.cleaned_data
                count = services.registration_open(
                    plan_year=data["plan_year"], deadline=data["deadline"], by=request.user
                )
                messages.success(
                    request,
                    _("Registration for %(year)s is open to %(n)s provinces.")
                    % {"year": data["plan_year"], "n": count},
                )
                return redirect(f"{reverse('projects:registrations')}?year={data['plan_year']}")
            if request.user.is_provincial:
                services.registration_submit(province=request.user.unit.province, plan_year=plan_year, by=request.user)
                messages.success(
                    request, _("Your province's registration for %(year)s was recorded.") % {"year": plan_year}
                )
                return redirect(f"{reverse('projects:registrations')}?year={plan_year}")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
    rows = list(selectors.registrations_for(user=request.user, plan_year=plan_year))
    registered = sum(1 for row in rows if row.status != row.Status.NOT_REGISTERED)
    on_time = sum(1 for row in rows if row.status == row.Status.REGISTERED)
    context = {
        "plan_year": plan_year,
        "years": years,
        "rows": rows,
        "registered": registered,
        "on_time": on_time,
        "open_form": open_form,
    }
    return render(request, "projects/registrations.html", context)


@login_required
@require_POST
def decision_add(request, pk):
    """Record a decision or document of the life cycle (number, date, signer, file) on the timeline."""
    project = selectors.project_get_for_change(user=request.user, pk=pk)
    form = DecisionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_record(
                project=project,
                by=request.user,
                kind=data["kind"],
                number=data["number"],
                date=data["date"],
                signer=data["signer"],
                uploaded_file=data["file"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The document was recorded."))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("projects:detail", pk=pk)


ESTABLISHMENT_RESULTS = 20


@login_required
def establishment_search(request):
    """The registry search beside the project form (htmx): name, tax code or commune, diacritics ignored."""
    text = (request.GET.get("establishment_q") or request.GET.get("q") or "").strip()[:100]
    results = []
    if len(text) >= 2:
        queryset = selectors.establishment_list_for(user=request.user)
        results = list(selectors.establishment_search(queryset, text)[:ESTABLISHMENT_RESULTS])
    return render(request, "projects/_establishment_results.html", {"results": results, "text": text})


@login_required
def commune_options(request):
    """The communes of the province chosen on the project form (htmx swaps them into the commune list)."""
    provinces = province_selectors.provinces_in_scope_for(user=request.user)
    province = (
        provinces.filter(pk=request.GET.get("province") or 0).first()
        if (request.GET.get("province") or "").isdigit()
        else None
    )
    communes = []
    if province is not None:
        communes = Commune.objects.filter(province=province_selectors.province_on(province)).order_by("name")
    return render(request, "projects/_commune_options.html", {"communes": communes})


@login_required
def ceiling_list(request):
    """The support ceilings in force and past: the national fund's and the user's provinces' own; the
    province's approver enters its People's Council resolution here."""
    ids = province_selectors.province_ids_in_scope(user=request.user)
    ceilings = SupportCeiling.objects.select_related("activity", "province", "entered_by")
    if ids is not None:
        ceilings = ceilings.filter(Q(fund=Fund.NATIONAL) | Q(province_id__in=ids))
    may_enter = request.user.role == request.user.Role.APPROVER or request.user.sees_all_provinces
    form = CeilingForm(request.POST or None) if may_enter else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.ceiling_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The support ceiling was recorded."))
                return redirect("projects:ceilings")
    return render(
        request,
        "projects/ceilings.html",
        {"ceilings": ceilings.order_by("fund", "activity__code", "-valid_from"), "form": form},
    )
