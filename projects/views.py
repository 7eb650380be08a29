"""Project pages: thin doors onto projects.selectors (reads, scoped) and projects.services (writes)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyencong import cachekeys, numbers
from khuyencong.fields import DayField
from khuyencong.text import vi_order
from projects import entry_periods, excel, grid, grid_excel, grid_html, rules, selectors, services
from projects.forms import (
    AttachmentForm,
    CeilingForm,
    DecisionForm,
    EstablishmentForm,
    ImportForm,
    MoneyEntryForm,
    ProjectFilter,
    ProjectForm,
    ReasonForm,
    TransitionDecisionForm,
    blank_fields_html,
)
from projects.models import Attachment, Fund, Project, ProjectAdjustment, SupportCeiling
from provinces import selectors as province_selectors
from provinces.models import Commune, Province

PAGE_SIZE = 50


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
    since, until = project_filter.money_window()
    page = cachekeys.CountCachedPaginator(selectors.with_money(queryset, since=since, until=until), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    totals = selectors.list_totals(
        queryset, since=since, until=until, user=request.user, key_filters=project_filter.key_filters()
    )
    # The fragments' keys (None: rendered, not cached). Only for the list's own parameters: made-up ones
    # would each add an entry, and so would every search typed (rarely asked twice, and each page of rows
    # some 40 kB). The filter form's choices are the provinces in the user's scope.
    page_key = filter_key = None
    if set(request.GET) <= {*ProjectFilter.base_filters, "page"} and not request.GET.get("q", "").strip():
        page_key = cachekeys.page_key(page)
        filter_key = [*cachekeys.query_key(project_filter.filters["province"].queryset), query.urlencode()]
    return render(
        request,
        "projects/project_list.html",
        {
            "filter": project_filter,
            "page": page,
            "page_key": page_key,
            "filter_key": filter_key,
            "query": query.urlencode(),
            "totals": totals,
        },
    )


@login_required
def project_export(request):
    project_filter = _filtered(request)
    queryset = project_filter.qs if project_filter.is_bound else project_filter.queryset
    since, until = project_filter.money_window()
    content = excel.projects_to_xlsx(selectors.with_money(queryset, since=since, until=until))
    response = HttpResponse(content, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="de-an-khuyen-cong.xlsx"'
    return response


@login_required
def project_detail(request, pk):
    project = selectors.project_detail_for(user=request.user, pk=pk)
    writable = selectors.may_change(user=request.user, project=project)  # partner provinces only read
    context = {
        "project": project,
        "money": selectors.money_of(project),
        "transitions": rules.allowed_transitions(request.user, project) if writable else [],
        "decided_by_document": services.DECISION_OF_ACTION,
        "timeline": selectors.timeline_for(project),
        "can_edit": writable and rules.is_editor(request.user),
        "can_decide": writable and rules.is_approver_for(request.user, project),
        "is_partner_view": not writable,
        "decision_fields": blank_fields_html(DecisionForm),
        "pending": next(
            (a for a in project.adjustments.all() if a.decision == ProjectAdjustment.Decision.PENDING), None
        ),
        "money_fields": blank_fields_html(MoneyEntryForm),
        "attachment_fields": blank_fields_html(AttachmentForm),
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
    return Province.objects.filter(valid_to__isnull=True).exclude(pk__in=own).order_by(vi_order("name"))


def _project_forms(request, *, provinces, instance=None, initial=None):
    initial = dict(initial or {})
    if request.method == "GET" and request.GET.get("plan_year"):  # the plan year chosen (htmx reloads the provinces)
        initial["plan_year"] = request.GET["plan_year"]
    form = ProjectForm(
        request.POST or None,
        instance=instance,
        provinces=provinces,
        initial=initial,
        reload_url=request.path,
        establishments=selectors.establishment_list_for(user=request.user),
        partner_choices=_partner_choices(request.user),
    )
    communes = Commune.objects.filter(province__in=provinces).select_related("province").order_by(vi_order("name"))
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
    # the form offers those that existed at the end of the plan year (former provinces for a year before 2025)
    provinces = province_selectors.provinces_in_scope_for(user=request.user)
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
    # the form offers those that existed at the end of the plan year, and the project's own
    provinces = province_selectors.provinces_in_scope_for(user=request.user)
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
def money_entry_correct(request, pk, entry_pk):
    """Reverse a wrong money entry by a correcting entry (the original is never changed)."""
    project = selectors.project_get_for(user=request.user, pk=pk)
    entry = get_object_or_404(project.money_entries, pk=entry_pk)
    try:
        services.money_entry_correct(
            entry=entry, by=request.user, reason=request.POST.get("reason", ""), amount=request.POST.get("amount")
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The correcting entry was recorded; the totals include it."))
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


def _grid_period(request, period_key=None):
    """The period asked for (?period=quarter-2026-4, or in the URL) among those offered to the user's province;
    the current quarter by default. A period not offered (another kind, long closed) is shown read-only."""
    province = province_selectors.user_province(user=request.user)
    province_id = province.pk if province else None
    wanted = period_key or request.GET.get("period") or request.POST.get("period")
    states = entry_periods.periods_for(province_id=province_id)
    if wanted:
        state = next((s for s in states if s.key == wanted), None)
        if state is None:
            period = entry_periods.period_from_key(wanted)
            if period is None:
                raise Http404
            state = entry_periods.state_of(period, province_id=province_id)
    else:
        state = next(s for s in states if s.is_current)
    if not grid.may_enter(request.user) and state.is_open:
        state = entry_periods.PeriodState(state.period, False, _("Only the province's staff enter its data."))
    return state, states


def _grid_posted(request, pk: int) -> dict:
    return {cell: request.POST.get(f"r{pk}-{cell}", "") for cell in grid.CELLS}


def _posted_version(request, pk: int) -> int | None:
    try:
        return int(request.POST.get(f"r{pk}-version", ""))
    except ValueError:
        return None


@login_required
def this_period(request):
    """The period's entry grid: one row per project due in the period. With JavaScript each cell saves on its
    own (grid_row_save); without it the page is one form and "Save all" saves every changed row."""
    state, states = _grid_period(request)
    period = state.period
    # a GET only renders its rows: they load only what the page shows (a POST saves from them)
    display = request.method != "POST"
    rows = grid.rows_for(user=request.user, period=period, display=display) if grid.may_enter(request.user) else []
    saved = failed = 0
    if request.method == "POST":
        if not state.is_open:
            raise PermissionDenied(state.reason)
        by_pk = {row.pk: row for row in rows}
        for pk in [
            int(key[1:].split("-")[0])
            for key in request.POST
            if key.endswith("-version") and key[1:].split("-")[0].isdigit()
        ]:
            row = by_pk.get(pk)
            if row is None:
                continue  # not due in this period (or outside the scope): nothing of it is read
            posted = _grid_posted(request, pk)
            sections = grid.changed_sections(row, posted)
            if not sections:
                continue
            result = grid.save(
                project=row.project,
                period=period,
                by=request.user,
                values=posted,
                sections=sections,
                expected_version=_posted_version(request, pk),
                entry_key=request.POST.get(f"r{pk}-key", ""),
            )
            if result.ok:
                saved += 1
            else:
                failed += 1
                row.values, row.errors, row.row_error = posted, result.errors, result.row_error
        if not failed:
            messages.success(request, _("Saved: %(n)s rows.") % {"n": saved})
            return redirect(f"{reverse('projects:this_period')}?period={entry_periods.period_key(period)}")
        fresh = {row.pk: row for row in grid.rows_for(user=request.user, period=period)}
        for row in rows:  # what was saved shows as saved; what was refused keeps what was typed
            if not (row.errors or row.row_error) and row.pk in fresh:
                fresh_row = fresh[row.pk]
                row.progress, row.values, row.project = fresh_row.progress, fresh_row.values, fresh_row.project
        messages.error(
            request,
            _("%(saved)s rows saved; %(failed)s rows were not saved: see the cells marked in red.")
            % {"saved": saved, "failed": failed},
        )
    for row in rows:
        row.state, row.state_text = grid.row_state(row, state)
    counts = grid.counters(rows)
    context = {
        "state": state,
        "states": states,
        "period": period,
        "period_key": state.key,
        "rows": rows,
        "counts": counts,
        "missing_text": grid.missing_text(counts["missing"]),
        "may_enter": grid.may_enter(request.user),
        "labels": grid.LABELS,
        "rows_html": grid_html.render_rows(rows),
    }
    return render(request, "projects/grid.html", context, status=422 if failed else 200)


@login_required
@require_POST
def grid_row_save(request, period_key, pk):
    """One row's section saved from the grid's script (fetch): answers JSON with the cell errors or the row's
    new state, and the page's counters."""
    project = selectors.project_get_for_change(user=request.user, pk=pk)
    period = entry_periods.period_from_key(period_key)
    if period is None:
        raise Http404
    province = province_selectors.user_province(user=request.user)
    state = entry_periods.state_of(period, province_id=province.pk if province else None)
    if not grid.may_enter(request.user):
        raise PermissionDenied
    if not selectors.due_in_period(Project.objects.filter(pk=project.pk), period=state.period).exists():
        raise Http404  # only a row the grid shows can be saved through it
    if not state.is_open:
        return JsonResponse({"ok": False, "row_error": state.reason, "errors": {}}, status=403)
    sections = {part for part in request.POST.get("sections", "").split(",") if part in ("progress", "money")}
    result = grid.save(
        project=project,
        period=state.period,
        by=request.user,
        values=_grid_posted(request, pk),
        sections=sections,
        expected_version=_posted_version(request, pk),
        entry_key=request.POST.get(f"r{pk}-key", ""),
    )
    counts = grid.counters_for(user=request.user, period=state.period)
    body = {
        "ok": result.ok,
        "errors": result.errors,
        "row_error": result.row_error,
        "counters": {**counts, "missing_text": grid.missing_text(counts["missing"])},
    }
    if result.ok:
        row = next(
            iter(grid.build_rows(grid.rows_queryset(user=request.user, period=state.period).filter(pk=pk))), None
        )
        if row is not None:
            row.state, row.state_text = grid.row_state(row, state)
            body["row"] = {
                "version": row.version,
                "state": row.state,
                "state_text": row.state_text,
                "disbursed": numbers.format_vnd(row.project.disbursed),
                "disbursed_in_period": numbers.format_vnd(row.project.disbursed_in_period),
                "key": grid.new_entry_key() if result.entry else None,
            }
    status = 200 if result.ok else (409 if result.stale else 422)
    return JsonResponse(body, status=status)


@login_required
def grid_export(request, period_key):
    """The period's grid as a prefilled spreadsheet, to fill offline and upload back."""
    if not grid.may_enter(request.user):
        raise PermissionDenied
    state, _states = _grid_period(request, period_key)
    rows = grid.rows_for(user=request.user, period=state.period)
    response = HttpResponse(grid_excel.period_to_xlsx(rows, state.period), content_type=grid_excel.XLSX_TYPE)
    # the file's name in the portal's words, without diacritics: ky-nay-quy-4-2026.xlsx, ky-nay-9-thang-2026.xlsx
    word = {"quarter": f"quy-{state.period.number}", "half": "6-thang", "nine": "9-thang", "year": "nam"}
    name = f"ky-nay-{word.get(state.period.kind, state.period.kind)}-{state.period.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def grid_import(request, period_key):
    """Upload the period's spreadsheet back: the grid's own checks, all rows or none. Large files are read
    in the background (grid_import_job shows the progress and the result)."""
    if not grid.may_enter(request.user):
        raise PermissionDenied
    state, _states = _grid_period(request, period_key)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if not state.is_open:
            errors = [{"row": "", "column": "", "message": state.reason}]
        elif grid_excel.row_count(upload) > grid_excel.SYNC_MAX_ROWS:
            job = grid_excel.grid_import_start(upload=upload, user=request.user, period=state.period)
            return redirect("projects:grid_import_job", pk=job.pk)
        else:
            outcome = grid_excel.period_from_xlsx(upload, user=request.user, period=state.period)
            if outcome.ok:
                messages.success(request, _("Imported from the spreadsheet: %(n)s rows saved.") % {"n": outcome.saved})
                return redirect(f"{reverse('projects:this_period')}?period={state.key}")
            errors = outcome.errors
    context = {"form": form, "errors": errors, "period": state.period, "state": state, "period_key": state.key}
    return render(request, "projects/grid_import.html", context, status=422 if errors else 200)


@login_required
def grid_import_job(request, pk):
    """A background import: its progress while it runs, its result (or errors by row and column) after."""
    job = selectors.grid_import_get_for(user=request.user, pk=pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(
            {"status": job.status, "finished": job.is_finished, "done": job.rows_done, "total": job.rows_total}
        )
    return render(
        request, "projects/grid_import_job.html", {"job": job, "job_period_key": entry_periods.period_key(job.period)}
    )


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
    if request.method == "POST" and form.is_valid() and excel.runs_in_background(form.cleaned_data["file"]):
        job = excel.project_import_start(upload=form.cleaned_data["file"], by=request.user)
        return redirect("projects:import_job", pk=job.pk)
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


@login_required
def project_import_job(request, pk):
    """A background project import: its progress while it runs, then its result or its errors by sheet, row
    and column (the same list the import page shows for a small file)."""
    job = selectors.project_import_get_for(user=request.user, pk=pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(
            {
                "status": job.status,
                "label": job.get_status_display(),
                "finished": job.is_finished,
                "done": job.rows_done,
                "total": job.rows_total,
            }
        )
    return render(request, "projects/project_import_job.html", {"job": job, "errors": job.errors})


class RegistrationOpenForm(forms.Form):
    plan_year = forms.IntegerField(label=gettext_lazy("Plan year"), min_value=2021, max_value=2100)
    deadline = DayField(label=gettext_lazy("Deadline"))


@login_required
def registrations(request):
    """Next year's national-plan registration: the ministry opens it with a deadline and sees who has
    registered ("05/20 … (04 on time, 01 late)"); each province's approver registers the national-fund projects
    it has submitted."""
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
    context = {
        "plan_year": plan_year,
        "years": years,
        "rows": rows,
        # The one headline definition, over the rows just read (the dashboards and reports use the same).
        "headline": selectors.registration_headline_of(
            plan_year=plan_year, rows=[(row.status, row.deadline) for row in rows]
        ),
        "open_form": open_form,
        # What the top layer shows beside the registrations (the implementation record): chosen in settings,
        # so projects never imports the apps above it.
        "aside_template": settings.REGISTRATION_ASIDE_TEMPLATE,
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
        communes = Commune.objects.filter(province=province_selectors.province_on(province)).order_by(vi_order("name"))
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
