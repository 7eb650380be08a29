"""Thin doors onto products.selectors (reads, with scope) and products.services (writes)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.forms import add_service_errors, posted
from khuyencong.text import vi_order
from products import access, documents, forms, selectors, services
from products.models import Certificate, Complaint, DossierFile, Entry, Judge, Level, Round, next_level
from projects.models import Beneficiary, Project
from provinces.models import Province, Unit
from provinces.selectors import province_family_ids, province_ids_in_scope, provinces_in_scope_for, scope_for_user


def _manager_or_404(request, round_: Round) -> None:
    if not access.manages(request.user, round_):
        raise Http404


@login_required
def round_list(request):
    rounds = selectors.rounds_for(user=request.user).annotate(
        entry_count=Count("entries", distinct=True),
        recognised_total=Count("entries", filter=Q(entries__recognised=True), distinct=True),
    )
    return render(request, "products/round_list.html", {"rounds": rounds})


@login_required
def round_create(request):
    if not (request.user.sees_all_provinces or request.user.is_provincial):
        raise Http404
    provinces = provinces_in_scope_for(user=request.user).order_by(vi_order("name"))
    ids = province_ids_in_scope(user=request.user)
    units = Unit.objects.prefetch_related("names").order_by("code")
    if ids is not None:
        units = units.filter(province__in=ids)
    projects = scope_for_user(Project.objects.order_by("-plan_year", "code"), user=request.user)
    rounds = selectors.rounds_for(user=request.user).filter(
        level__in=[Level.PROVINCE, Level.REGION, Level.NATIONAL], status=Round.Status.REGISTRATION
    )
    form = forms.RoundForm(posted(request), provinces=provinces, units=units, projects=projects, rounds=rounds)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            round_ = services.round_create(by=request.user, data=data)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error(None, str(exc))
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, _("Round created."))
            return redirect("products:round", pk=round_.pk)
    return render(request, "products/round_form.html", {"form": form})


@login_required
def round_detail(request, pk: int):
    round_ = selectors.round_get(user=request.user, pk=pk)
    entries = selectors.entries_for(user=request.user, round_=round_).order_by("code")
    judge = selectors.judge_of(user=request.user, round_=round_)
    context = {
        "round": round_,
        "manages": access.manages(request.user, round_),
        "judge": judge,
        "entries": entries,
        "blocks": selectors.blocks_with_criteria(round_=round_),
        "council": selectors.council_of(round_=round_),
        "judges": selectors.panel_of(round_=round_),
        "figures": selectors.round_figures(user=request.user, round_=round_),
        "can_summary": selectors.can_see_summary(user=request.user, round_=round_),
        "complaint_deadline": selectors.complaint_deadline(round_=round_),
        "can_file": request.user.is_provincial and round_.is_local,
        "language": get_language(),
    }
    return render(request, "products/round_detail.html", context)


@login_required
def round_setup(request, pk: int):
    """The organisers' page: council, panel, score-sheet bands, threshold, opening of judging."""
    round_ = selectors.round_get(user=request.user, pk=pk)
    _manager_or_404(request, round_)
    blocks = selectors.blocks_with_criteria(round_=round_)
    action = request.POST.get("action") if request.method == "POST" else None
    council_form = forms.CouncilMemberForm(request.POST if action == "council" else None, prefix="c")
    judge_form = forms.JudgeForm(request.POST if action == "judge" else None, prefix="j")
    bands_form = forms.BandsForm(request.POST if action == "bands" else None, blocks=blocks, prefix="b")
    threshold_form = forms.ThresholdForm(
        request.POST if action == "threshold" else None, initial={"threshold": round_.threshold}, prefix="t"
    )
    open_errors = []
    if request.method == "POST":
        try:
            if action == "council" and council_form.is_valid():
                services.council_member_add(round_=round_, by=request.user, **council_form.cleaned_data)
            elif action == "judge" and judge_form.is_valid():
                services.judge_add(round_=round_, by=request.user, **judge_form.cleaned_data)
            elif action == "bands" and bands_form.is_valid():
                services.rubric_refine(
                    round_=round_,
                    block_code=bands_form.cleaned_data["block"],
                    bands=bands_form.cleaned_data["bands"],
                    by=request.user,
                )
            elif action == "threshold" and threshold_form.is_valid():
                services.threshold_set(
                    round_=round_, threshold=threshold_form.cleaned_data["threshold"], by=request.user
                )
            elif action == "open":
                services.judging_open(round_=round_, by=request.user)
            else:
                raise ValidationError(_("Check the form below."))
        except ValidationError as exc:
            form = {"council": council_form, "judge": judge_form, "bands": bands_form, "threshold": threshold_form}.get(
                action
            )
            if form is not None and form.is_bound:
                add_service_errors(form, exc)
            else:
                open_errors = exc.messages
        else:
            messages.success(request, _("Saved."))
            return redirect("products:setup", pk=round_.pk)
    context = {
        "round": round_,
        "blocks": blocks,
        "council": selectors.council_of(round_=round_),
        "judges": selectors.panel_of(round_=round_),
        "council_form": council_form,
        "judge_form": judge_form,
        "bands_form": bands_form,
        "threshold_form": threshold_form,
        "open_errors": open_errors,
        "language": get_language(),
    }
    return render(request, "products/round_setup.html", context)


@login_required
def entry_create(request, pk: int):
    round_ = selectors.round_get(user=request.user, pk=pk)
    if not round_.is_local or not (request.user.is_provincial or request.user.sees_all_provinces):
        raise Http404
    family = province_family_ids(province_id=round_.province_id)
    provinces = provinces_in_scope_for(user=request.user).filter(pk__in=family).order_by(vi_order("name"))
    if not provinces.exists():
        raise Http404
    beneficiaries = Beneficiary.objects.filter(
        Q(commune__province__in=family) | Q(projects__province__in=family)
    ).distinct()
    form = forms.EntryForm(
        posted(request),
        provinces=provinces,
        beneficiaries=beneficiaries,
        initial={"received_on": min(timezone.localdate(), round_.registration_deadline)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = None
        if data["beneficiary"] is None and data["new_name"].strip():
            new = {
                "name": data["new_name"].strip(),
                "kind": data["new_kind"] or "household",
                "tax_code": data["new_tax_code"],
            }
        try:
            entry = services.entry_create(
                round_=round_,
                province=data["province"],
                beneficiary=data["beneficiary"],
                new_beneficiary=new,
                product_name=data["product_name"],
                group=data["group"],
                is_set=data["is_set"],
                set_items=data["set_items"],
                description=data["description"],
                received_on=data["received_on"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Entry registered. Add its dossier."))
            return redirect("products:entry", pk=entry.pk)
    return render(request, "products/entry_form.html", {"round": round_, "form": form})


@login_required
def entry_detail(request, pk: int):
    entry = selectors.entry_get(user=request.user, pk=pk)
    round_ = entry.round
    manages = access.manages(request.user, round_)
    can_file = access.files_for(request.user, entry.province_id) and entry.status == Entry.Status.REGISTERED
    file_form = forms.DossierFileForm(request.POST or None, request.FILES or None) if can_file else None
    screen_form = None
    if manages and round_.status == Round.Status.REGISTRATION:
        screen_form = forms.ScreenForm(initial={"version": entry.version})
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "file" and file_form is not None and file_form.is_valid():
        try:
            services.dossier_file_add(
                entry=entry,
                kind=file_form.cleaned_data["kind"],
                uploaded_file=file_form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(file_form, exc)
        else:
            messages.success(request, _("File added to the dossier."))
            return redirect("products:entry", pk=entry.pk)
    elif action == "screen" and screen_form is not None:
        screen_form = forms.ScreenForm(request.POST)
        if screen_form.is_valid():
            try:
                services.entry_screen(
                    entry=entry,
                    eligible=screen_form.cleaned_data["decision"] == "eligible",
                    reason=screen_form.cleaned_data["reason"],
                    by=request.user,
                    expected_version=screen_form.cleaned_data["version"],
                )
            except ValidationError as exc:
                add_service_errors(screen_form, exc)
            else:
                messages.success(request, _("Screening recorded."))
                return redirect("products:entry", pk=entry.pk)
    elif request.method == "POST" and action not in ("file", "screen"):
        raise Http404
    judge = selectors.judge_of(user=request.user, round_=round_)
    context = {
        "entry": entry,
        "round": round_,
        "files": entry.files.all(),
        "missing": selectors.dossier_missing(entry=entry, min_photos=round_.rule.min_photos),
        "file_form": file_form,
        "screen_form": screen_form,
        "judge": judge,
        "certificate": Certificate.objects.filter(entry=entry).first(),
        "manages": manages,
    }
    return render(request, "products/entry_detail.html", context)


@login_required
def dossier_file(request, pk: int):
    row = get_object_or_404(DossierFile, pk=pk)
    selectors.entry_get(user=request.user, pk=row.entry_id)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=row.original_name, content_type=row.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Judging -------------------------------------------------------------------------------------------------


def _judge_or_404(request, round_: Round) -> Judge:
    judge = selectors.judge_of(user=request.user, round_=round_)
    if judge is None:
        raise Http404
    return judge


@login_required
def judging(request, pk: int):
    """A judge's list of the round's eligible entries with their own progress."""
    round_ = selectors.round_get(user=request.user, pk=pk)
    judge = _judge_or_404(request, round_)
    sheets = selectors.judge_progress(judge=judge)
    entries = [
        (entry, sheets.get(entry.pk))
        for entry in round_.entries.filter(status=Entry.Status.ELIGIBLE).select_related("province").order_by("code")
    ]
    done = sum(1 for _entry, sheet in entries if sheet and sheet.submitted_at)
    context = {"round": round_, "judge": judge, "entries": entries, "done": done}
    return render(request, "products/judging.html", context)


@login_required
def score(request, pk: int):
    """One judge's sheet for one entry: alone, per criterion; others' marks appear only after submission."""
    entry = selectors.entry_get(user=request.user, pk=pk)
    round_ = entry.round
    judge = _judge_or_404(request, round_)
    blocks = selectors.blocks_with_criteria(round_=round_)
    sheet = selectors.own_sheet(judge=judge, entry=entry)
    errors, values, comment = {}, {}, ""
    if sheet is not None:
        values = {m.criterion_id: m.points for m in sheet.marks.all()}
        comment = sheet.comment
    if request.method == "POST":
        criteria = [c for b in blocks for c in b.criteria.all()]
        posted = {c.pk: request.POST.get(f"c{c.pk}", "").strip() for c in criteria}
        comment = request.POST.get("comment", "")
        version = request.POST.get("version")
        try:
            services.sheet_save(
                entry=entry,
                by=request.user,
                points=posted,
                comment=comment,
                submit=request.POST.get("action") == "submit",
                expected_version=int(version) if version and version.isdigit() else None,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            values = posted
        else:
            messages.success(request, _("Sheet saved."))
            return redirect("products:score", pk=entry.pk)
    rows = []
    for block in blocks:
        items = [(c, values.get(c.pk, ""), errors.get(f"c{c.pk}", [])) for c in block.criteria.all()]
        rows.append((block, items))
    context = {
        "entry": entry,
        "round": round_,
        "judge": judge,
        "sheet": sheet,
        "rows": rows,
        "comment": comment,
        "errors": errors.get("__all__", []) + errors.get("points", []),
        "others": selectors.others_sheets_for(user=request.user, entry=entry),
        "language": get_language(),
        "criteria_by_id": {c.pk: c for b in blocks for c in b.criteria.all()},
    }
    return render(request, "products/score.html", context)


@login_required
def summary(request, pk: int):
    round_ = selectors.round_get(user=request.user, pk=pk)
    result = selectors.score_summary(user=request.user, round_=round_)
    context = {
        "round": round_,
        "summary": result,
        "manages": access.manages(request.user, round_),
        "selectable": access.manages(request.user, round_) and round_.status == Round.Status.JUDGING,
        "has_next": next_level(round_.level) is not None,
        "select_errors": [],
    }
    return render(request, "products/summary.html", context)


@login_required
@require_POST
def council_select(request, pk: int):
    round_ = selectors.round_get(user=request.user, pk=pk)
    _manager_or_404(request, round_)
    count = request.POST.get("count", "")
    try:
        services.council_select(
            round_=round_,
            count=int(count) if count.strip().isdigit() else -1,
            recognised=[int(v) for v in request.POST.getlist("recognised") if v.isdigit()],
            promoted=[int(v) for v in request.POST.getlist("promoted") if v.isdigit()],
            by=request.user,
            expected_version=int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None,
        )
    except ValidationError as exc:
        context = {
            "round": round_,
            "summary": selectors.score_summary(user=request.user, round_=round_),
            "manages": True,
            "selectable": True,
            "has_next": next_level(round_.level) is not None,
            "select_errors": exc.messages,
            "ticked": set(request.POST.getlist("recognised")),
            "ticked_up": set(request.POST.getlist("promoted")),
            "count": count,
        }
        return render(request, "products/summary.html", context, status=400)
    messages.success(request, _("The council's selection is recorded."))
    return redirect("products:round", pk=round_.pk)


@login_required
def recognise(request, pk: int):
    round_ = selectors.round_get(user=request.user, pk=pk)
    _manager_or_404(request, round_)
    form = forms.RecognitionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.recognition_issue(round_=round_, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Recognition recorded; certificates numbered."))
            return redirect("products:recognised", pk=round_.pk)
    return render(request, "products/recognise.html", {"round": round_, "form": form})


@login_required
def recognised(request, pk: int):
    """The list of recognised products of a round: public by design for every signed-in account."""
    round_ = get_object_or_404(Round.objects.select_related("rule"), pk=pk)
    certificates = selectors.recognised_public(round_=round_)
    return render(request, "products/recognised.html", {"round": round_, "certificates": certificates})


@login_required
def certificate_pdf(request, pk: int):
    cert = selectors.certificate_get(user=request.user, pk=pk)
    response = HttpResponse(documents.certificate_pdf(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-{cert.pk}.pdf"'
    return response


@login_required
def certificate_revoke(request, pk: int):
    cert = selectors.certificate_get(user=request.user, pk=pk)
    _manager_or_404(request, cert.entry.round)
    form = forms.RevokeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(certificate=cert, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Certificate revoked."))
            return redirect("products:entry", pk=cert.entry_id)
    return render(request, "products/revoke.html", {"certificate": cert, "form": form})


@login_required
def complaints(request, pk: int):
    round_ = selectors.round_get(user=request.user, pk=pk)
    manages = access.manages(request.user, round_)
    form = forms.ComplaintForm(posted(request), entries=round_.entries.order_by("code")) if manages else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.complaint_file(round_=round_, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Complaint recorded."))
                return redirect("products:complaints", pk=round_.pk)
    context = {
        "round": round_,
        "complaints": selectors.complaints_for(user=request.user, round_=round_),
        "form": form,
        "deadline": selectors.complaint_deadline(round_=round_),
        "manages": manages,
    }
    return render(request, "products/complaints.html", context)


@login_required
def complaint_resolve(request, pk: int):
    complaint = get_object_or_404(Complaint.objects.select_related("round"), pk=pk)
    round_ = selectors.round_get(user=request.user, pk=complaint.round_id)
    _manager_or_404(request, round_)
    form = forms.ResolveForm(posted(request), initial={"resolved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_resolve(complaint=complaint, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Resolution recorded."))
            return redirect("products:complaints", pk=round_.pk)
    return render(request, "products/complaint_resolve.html", {"complaint": complaint, "form": form})


@login_required
def promote(request, pk: int):
    """Send the entries the council chose up a level, with the covering letter and the short list."""
    round_ = selectors.round_get(user=request.user, pk=pk)
    _manager_or_404(request, round_)
    chosen = round_.entries.filter(promoted=True, promoted_to__isnull=True).select_related("certificate", "beneficiary")
    targets = Round.objects.filter(level=next_level(round_.level) or "-", status=Round.Status.REGISTRATION)
    form = forms.PromotionForm(posted(request), request.FILES or None, rounds=targets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.promotion_file(
                from_round=round_,
                to_round=data["to_round"],
                entries=list(chosen),
                letter_number=data["letter_number"],
                letter_date=data["letter_date"],
                letter_file=data["letter"],
                filed_on=timezone.localdate(),
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The batch has been filed with the next level."))
            return redirect("products:round", pk=round_.pk)
    return render(request, "products/promote.html", {"round": round_, "chosen": chosen, "form": form})


@login_required
def export(request, pk: int):
    round_ = selectors.round_get(user=request.user, pk=pk)
    result = selectors.score_summary(user=request.user, round_=round_)
    certificates = {c.entry_id: c for c in Certificate.objects.filter(entry__round=round_)}
    response = HttpResponse(
        documents.summary_workbook(result, certificates),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ket-qua-binh-chon-{round_.pk}.xlsx"'
    return response


# Figures and follow-up -----------------------------------------------------------------------------------


@login_required
def figures(request):
    """Rounds with their entries and recognitions, and a province's history across the merger."""
    rounds = selectors.rounds_for(user=request.user).filter(level__in=[Level.REGION, Level.NATIONAL, Level.PROVINCE])
    rows = [(r, selectors.round_figures(user=request.user, round_=r)["total"]) for r in rounds]
    provinces = selectors.provinces_with_history(user=request.user)
    return render(request, "products/figures.html", {"rows": rows, "provinces": provinces})


@login_required
def history(request, province_pk: int):
    province = get_object_or_404(Province, pk=province_pk)
    rows = selectors.province_history(user=request.user, province=province)
    return render(request, "products/history.html", {"province": province, "rows": rows})


@login_required
def certified(request):
    certificates = selectors.certified_in_scope(user=request.user).order_by("-issued_on", "number")[:500]
    today = timezone.localdate()
    return render(request, "products/certified.html", {"certificates": certificates, "today": today})


@login_required
def establishment(request, pk: int):
    """An establishment's certificates with their validity (in the user's scope)."""
    beneficiary = get_object_or_404(Beneficiary, pk=pk)
    certificates = list(selectors.certificates_of(beneficiary_id=pk, user=request.user))
    if not certificates:
        raise Http404
    return render(
        request,
        "products/establishment.html",
        {"beneficiary": beneficiary, "certificates": certificates, "today": timezone.localdate()},
    )


@login_required
def annual_report(request, pk: int):
    cert = selectors.certificate_get(user=request.user, pk=pk)
    if not access.files_for(request.user, cert.entry.province_id):
        raise Http404
    form = forms.AnnualReportForm(posted(request), initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.annual_report_record(
                certificate=cert,
                by=request.user,
                year=data["year"],
                support_received=data["support_received"],
                support_amount=data["support_amount"] or Decimal(0),
                revenue=data["revenue"],
                business_situation=data["business_situation"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Annual report recorded."))
            return redirect("products:establishment", pk=cert.entry.beneficiary_id)
    return render(
        request,
        "products/annual_report.html",
        {"certificate": cert, "form": form, "reports": cert.annual_reports.all()},
    )
