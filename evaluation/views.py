"""The implementation record pages: thin doors onto evaluation.figures (scoped through the province door)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from evaluation import excel, figures
from evaluation.models import Measure


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= today.year + 1:
        raise Http404
    return year


def _years() -> list[int]:
    return list(range(timezone.localdate().year, figures.first_year() - 1, -1))


@login_required
def record_list(request):
    year = _year(request)
    records = figures.records(user=request.user, year=year)
    codes = Measure.Code.values
    sort = request.GET.get("sort", "score")
    if sort not in {"score", *codes}:
        sort = "score"

    def key(record):
        value = record.score if sort == "score" else record.value_of(sort)
        lower_first = sort == "behind_schedule"  # fewer projects behind schedule is better
        return (value is None, value if lower_first else -(value or 0), record.province.name)

    records.sort(key=key)
    context = {
        "year": year,
        "years": _years(),
        "records": records,
        "measures": list(Measure.objects.all()),
        "definitions": figures.definitions(),
        "sort": sort,
    }
    return render(request, "evaluation/record_list.html", context)


@login_required
def figure_rows(request, province_pk: int, code: str):
    if code not in Measure.Code.values:
        raise Http404
    year = _year(request)
    found = figures.records(user=request.user, year=year, province_pk=province_pk)
    if not found:
        raise Http404
    record = found[0]
    figure = record.figures[code]
    links = {
        "project": lambda pk: reverse("projects:detail", args=[pk]),
        "report": lambda pk: reverse("reports:detail", args=[pk]),
        "registration": lambda pk: f"{reverse('projects:registrations')}?year={year + 1}",
    }
    rows = [(row, links[row.kind](row.pk) if row.pk else None) for row in figure.rows]
    context = {
        "record": record,
        "figure": figure,
        "label": Measure.Code(code).label,
        "definition": figures.definitions()[code],
        "rows": rows,
        "year": year,
    }
    return render(request, "evaluation/figure_rows.html", context)


@login_required
def export(request):
    year = _year(request)
    body = excel.record_to_xlsx(user=request.user, year=year)
    response = HttpResponse(body, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="nang-luc-thuc-hien-{year}.xlsx"'
    return response
