"""Thin doors onto conferences.selectors (reads, with scope) and conferences.services (writes)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conferences import forms, selectors, services
from khuyencong import pdf
from khuyencong.forms import add_service_errors, posted
from products import selectors as products_selectors


@login_required
def conference_list(request):
    """The series and who hosted when, rolled up across the 2025 merger."""
    conferences = list(selectors.conference_list())
    context = {"conferences": conferences, "hosting": selectors.hosting_history(conferences=conferences)}
    return render(request, "conferences/conference_list.html", context)


def _detail_context(user, conference) -> dict:
    return {
        "conference": conference,
        "documents": selectors.documents(conference=conference),
        "participations": selectors.participations(conference=conference),
        "delegate_counts": selectors.delegate_counts(user=user, conference=conference),
        "delegates": selectors.delegates_for(user=user, conference=conference),
        "matrix": selectors.followup_matrix(user=user, conference=conference),
        "figures_from_reports": conference.regional_figures,
        "organiser_name": conference.organiser.name_on(selectors.conference_day(conference)),
        "day": selectors.conference_day(conference),
        # the typical-product selection round held with the conference (same region and year), if any
        "typical_products": products_selectors.conference_quote(region_id=conference.region_id, year=conference.year),
    }


@login_required
def conference_detail(request, pk: int):
    conference = selectors.conference_get(pk=pk)
    context = _detail_context(request.user, conference)
    context["document_form"] = forms.DocumentForm(
        provinces=selectors.paper_provinces_for(user=request.user, conference=conference),
        ministry=request.user.sees_all_provinces,
    )
    try:
        services.registration_check_open(conference=conference)
        context["registration_open"] = True
    except ValidationError as exc:
        context["registration_open"], context["registration_closed_reason"] = False, exc.messages[0]
    return render(request, "conferences/conference_detail.html", context)


@login_required
def delegate_register(request, pk: int, province_pk: int):
    """A province's delegates for one conference, and the form to add one (officers of that province)."""
    conference = selectors.conference_get(pk=pk)
    province = selectors.registration_province_get(user=request.user, conference=conference, province_pk=province_pk)
    form = forms.DelegateForm(posted(request), province=province, initial_unit=request.user.unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegate_register(conference=conference, province=province, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Delegate registered."))
            return redirect("conferences:delegates", pk=conference.pk, province_pk=province.pk)
    try:
        services.registration_check_open(conference=conference)
        closed_reason = None
    except ValidationError as exc:
        closed_reason = exc.messages[0]
    context = {
        "conference": conference,
        "province": province,
        "form": form,
        "delegates": selectors.delegates_for(user=request.user, conference=conference, province=province),
        "can_register": request.user.is_provincial,
        "closed_reason": closed_reason,
    }
    return render(request, "conferences/delegate_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def delegate_withdraw(request, pk: int):
    delegate = selectors.delegate_get_for(user=request.user, pk=pk)
    try:
        services.delegate_withdraw(delegate=delegate, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Delegate withdrawn."))
    return redirect("conferences:delegates", pk=delegate.conference_id, province_pk=delegate.province_id)


@login_required
def followup_edit(request, conclusion_pk: int, province_pk: int):
    """A province reports what it has done on a conclusion (only that province's officers and approvers)."""
    conclusion, province = selectors.followup_target_get(
        user=request.user, conclusion_pk=conclusion_pk, province_pk=province_pk
    )
    if not request.user.is_provincial:
        raise PermissionDenied
    follow_up = selectors.followup_get(conclusion=conclusion, province=province)
    initial = {"status": follow_up.status, "note": follow_up.note} if follow_up else None
    form = forms.FollowUpForm(posted(request), request.FILES if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_report(conclusion=conclusion, province=province, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Follow-up saved."))
            return redirect("conferences:detail", pk=conclusion.conference_id)
    context = {"conclusion": conclusion, "province": province, "follow_up": follow_up, "form": form}
    return render(request, "conferences/followup_form.html", context, status=400 if form.errors else 200)


def _private_file(field, name: str, content_type: str) -> FileResponse:
    response = FileResponse(field.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def followup_evidence(request, pk: int):
    follow_up = selectors.followup_evidence_get_for(user=request.user, pk=pk)
    return _private_file(follow_up.evidence, follow_up.evidence_name or "evidence", follow_up.evidence_content_type)


@login_required
@require_POST
def document_upload(request, pk: int):
    conference = selectors.conference_get(pk=pk)
    form = forms.DocumentForm(
        request.POST,
        request.FILES,
        provinces=selectors.paper_provinces_for(user=request.user, conference=conference),
        ministry=request.user.sees_all_provinces,
    )
    if form.is_valid():
        try:
            services.document_upload(conference=conference, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Document uploaded."))
            return redirect("conferences:detail", pk=conference.pk)
    context = _detail_context(request.user, conference) | {"document_form": form}
    return render(request, "conferences/conference_detail.html", context, status=400)


@login_required
def document_download(request, pk: int):
    doc = selectors.document_get_for(user=request.user, pk=pk)
    return _private_file(doc.file, doc.original_name or doc.title, doc.content_type)


@login_required
def conference_close(request, pk: int):
    """Ministry staff record next year's host at the close; hosts that have not hosted recently come first."""
    if not request.user.sees_all_provinces:
        raise PermissionDenied
    conference = selectors.conference_get(pk=pk)
    form = forms.HandoverForm(posted(request), candidates=selectors.host_candidates(conference=conference))
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_close(conference=conference, next_host=form.cleaned_data["next_host"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Conference closed and hosting handed over."))
            return redirect("conferences:detail", pk=conference.pk)
    context = {"conference": conference, "form": form}
    return render(request, "conferences/conference_close.html", context, status=400 if form.errors else 200)


@login_required
def conference_dossier(request, pk: int):
    """The printable dossier, scoped like the page: an officer's copy lists only their province's rows."""
    conference = selectors.conference_get(pk=pk)
    html = render_to_string("conferences/pdf/dossier.html", _detail_context(request.user, conference), request=request)
    response = HttpResponse(pdf.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hoi-nghi-{conference.year}.pdf"'
    return response
