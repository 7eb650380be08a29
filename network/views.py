"""Network pages: thin doors onto network.selectors (reads, scoped to the commune) and network.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.forms import add_service_errors, posted
from khuyencong.text import vi_order
from network import excel, selectors, services
from network.forms import CollaboratorForm, MeetingForm, NeedForm, ProposeForm
from provinces.models import Unit
from reports import charts


@login_required
def coverage(request):
    today = timezone.localdate()
    rows = selectors.coverage(user=request.user, day=today)
    # The dashboard's province map, each tile the share of communes with a collaborator (same colour bands).
    tiles = [
        charts.Tile(
            row.province.code,
            row.province.code_set,
            row.province.name,
            row.share,
            reverse("network:province", args=[row.province.pk]),
        )
        for row in rows
    ]
    context = {
        "tile_map": charts.tile_map(
            tiles,
            title=_("Map of communes with a collaborator, as of %(day)s") % {"day": today.strftime("%d/%m/%Y")},
            desc=_(
                "Each province at its approximate place, coloured by the share of its communes with a collaborator."
            ),
        )
        if rows
        else None,
        "rows": rows,
        "today": today,
        "collaborators": selectors.collaborators_for(user=request.user).order_by(
            vi_order("province__name"), vi_order("full_name")
        ),
    }
    return render(request, "network/coverage.html", context)


@login_required
def province(request, province_pk: int):
    """A province's coverage, collaborators, meetings and needs; its officers record a meeting here."""
    today = timezone.localdate()
    row = selectors.province_coverage(user=request.user, province_pk=province_pk, day=today)  # 404 out of scope
    collaborators = selectors.collaborators_for(user=request.user).filter(province_id=province_pk)
    form = MeetingForm(request.POST or None, collaborators=collaborators) if request.user.is_provincial else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.meeting_record(by=request.user, province=row.province, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The meeting was recorded."))
                return redirect("network:province", province_pk=province_pk)
    context = {
        "form": form,
        "row": row,
        "today": today,
        "collaborators": collaborators,
        "meetings": selectors.meetings_for(user=request.user).filter(province_id=province_pk)[:20],
        "needs": selectors.needs_for(user=request.user).filter(province_id=province_pk)[:50],
    }
    return render(request, "network/province.html", context)


@login_required
def collaborator_new(request, province_pk: int):
    """A new contract with a collaborator for some of the province's communes (the centre's officers)."""
    row = selectors.province_coverage(user=request.user, province_pk=province_pk)  # 404 out of scope
    if not request.user.is_provincial:
        raise PermissionDenied
    form = CollaboratorForm(
        posted(request),
        communes=selectors.communes_for(user=request.user).filter(province_id=province_pk),
        editing=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.collaborator_create(by=request.user, province=row.province, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The collaborator %(name)s was recorded.") % {"name": person.full_name})
            return redirect("network:collaborator", pk=person.pk)
    return render(request, "network/collaborator_form.html", {"form": form, "province": row.province, "person": None})


@login_required
def collaborator_edit(request, pk: int):
    """Change a contract's terms; a stale form (someone saved since it was opened) is refused, nothing is lost."""
    person = selectors.collaborator_get_for(user=request.user, pk=pk)  # 404 out of scope
    if not request.user.is_provincial:
        raise PermissionDenied
    initial = {
        "full_name": person.full_name,
        "position": person.position,
        "phone": person.phone,
        "communes": list(person.communes.all()),
        "contract_start": person.contract_start,
        "contract_end": person.contract_end,
        "monthly_fee": person.monthly_fee,
        "status": person.status,
        "version": person.version,
    }
    form = CollaboratorForm(
        posted(request),
        initial=initial,
        communes=selectors.communes_for(user=request.user).filter(province_id=person.province_id),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.collaborator_update(by=request.user, collaborator=person, expected_version=version, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The contract was saved."))
            return redirect("network:collaborator", pk=person.pk)
    return render(
        request, "network/collaborator_form.html", {"form": form, "province": person.province, "person": person}
    )


@login_required
def collaborator(request, pk: int):
    person = selectors.collaborator_get_for(user=request.user, pk=pk)
    communes = list(person.communes.all())
    form = NeedForm(
        request.POST or None, communes=selectors.communes_for(user=request.user).filter(collaborators=person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.need_record(by=request.user, collaborator=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The need was recorded."))
            return redirect("network:collaborator", pk=person.pk)
    context = {
        "person": person,
        "communes": communes,
        "establishments": selectors.establishments_for(user=request.user).filter(commune__in=communes)[:200],
        "needs": selectors.needs_for(user=request.user).filter(collaborator=person)[:50],
        "meetings": selectors.meetings_for(user=request.user).filter(attendees=person)[:20],
        "form": form,
    }
    return render(request, "network/collaborator.html", context)


@login_required
def establishment(request, pk: int):
    place = selectors.establishment_get_for(user=request.user, pk=pk)
    context = {"place": place, "needs": selectors.needs_for(user=request.user).filter(establishment=place)}
    return render(request, "network/establishment.html", context)


@login_required
def need_propose(request, pk: int):
    """A need becomes a proposed project: the officer fills the few figures, the project links back."""
    need = selectors.need_get_for(user=request.user, pk=pk)
    form = ProposeForm(request.POST or None, initial={"title": need.description[:500]})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["implementing_unit"] = Unit.objects.filter(
            kind=Unit.Kind.EXTENSION_CENTRE, province_id=need.province_id
        ).first()
        data["other_sources"] = 0
        try:
            project = services.need_propose_project(by=request.user, need=need, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("You are not allowed to do that."))
        else:
            messages.success(
                request, _("The proposed project %(code)s was created from the need.") % {"code": project.code}
            )
            return redirect("projects:detail", pk=project.pk)
    return render(request, "network/need_propose.html", {"need": need, "form": form})


@login_required
def export(request):
    today = timezone.localdate()
    body = excel.network_to_xlsx(user=request.user, day=today)
    response = HttpResponse(body, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mang-luoi-ctv-{today:%Y%m%d}.xlsx"'
    return response
