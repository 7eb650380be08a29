"""Fixtures for the conference tests: the known history, an open conference, and small upload factories."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from conferences import services
from conferences.models import Conference
from khuyencong.testing import office
from provinces.models import CodeSet, Province


@pytest.fixture(autouse=True)
def _vietnamese():
    """Services speak the active language; the portal's middleware makes that Vietnamese."""
    with translation.override("vi"):
        yield


@pytest.fixture
def history(reference_data):
    services.conferences_load()


def province(code: int, code_set: int = CodeSet.CODES_2025) -> Province:
    return Province.objects.get(code=code, code_set=code_set)


def conference_of(year: int) -> Conference:
    return Conference.objects.get(region__code="southern", year=year)


@pytest.fixture
def open_conference(history, ministry_staff):
    """2026, created by closing 2025 with Cà Mau as next host, registration open for ten more days."""
    services.conference_close(conference=conference_of(2025), next_host=province(96), by=ministry_staff)
    conference = conference_of(2026)
    deadline = timezone.now() + datetime.timedelta(days=10)
    return services.registration_deadline_set(conference=conference, deadline=deadline, by=ministry_staff)


def make_pdf(name: str = "paper.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def make_docx(name: str = "paper.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, office.docx(), content_type="application/octet-stream")


def make_png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")
