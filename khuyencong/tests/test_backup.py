"""Backup and restore round trip on the configured engine (SQLite by default, PostgreSQL with DATABASE_URL)."""

import io
import json
import shutil
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from khuyencong import backup
from projects import services
from projects.models import Attachment, Project
from projects.tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

MINUTES = b"%PDF-1.4\n% bien ban nghiem thu, Trang Bang\n%%EOF\n"


@pytest.fixture
def portal_data(tayninh_officer, tayninh_approver, cantho_officer):
    """Reference data, accounts, three projects (one approved and started) and one uploaded file."""
    project = factories.make_project(by=tayninh_officer, title="Hỗ trợ máy đóng gói bánh tráng")
    factories.approve(project, officer=tayninh_officer, approver=tayninh_approver)
    factories.make_project(by=tayninh_officer, title="Hỗ trợ lò sấy hạt điều")
    factories.make_project(by=cantho_officer, title="Hỗ trợ máy xay xát gạo")
    services.attachment_add(
        project=project,
        by=tayninh_officer,
        uploaded_file=SimpleUploadedFile("biên bản.pdf", MINUTES, content_type="application/pdf"),
        kind="acceptance",
    )
    return project


def test_backup_wipe_restore_gives_back_every_row_and_file(portal_data, settings, tmp_path):
    counts = backup.table_row_counts()
    media = backup.media_checksums(settings.MEDIA_ROOT)
    assert counts["projects_project"] == 3 and len(media) == 1
    archive = tmp_path / "kc.tar.gz"

    call_command("backup", output=str(archive), stdout=io.StringIO(), stderr=io.StringIO())

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert f"media/{next(iter(media))}" in tar.getnames()
    assert manifest["row_counts"] == counts and manifest["media"] == media
    assert ["projects", "0001_initial"] in manifest["migrations"] and manifest["created_at"]
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))

    call_command("flush", interactive=False)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Project.objects.exists()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert "match the manifest" in out.getvalue()
    assert backup.table_row_counts() == counts
    assert backup.media_checksums(settings.MEDIA_ROOT) == media
    attachment = Attachment.objects.get()
    assert attachment.file.read() == MINUTES and attachment.project.title == "Hỗ trợ máy đóng gói bánh tráng"


def test_restore_refuses_a_tampered_archive_and_changes_nothing(portal_data, settings, tmp_path):
    archive, _manifest = backup.backup_create(output=tmp_path / "kc.tar.gz")
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data.replace(b"Trang Bang", b"Trang Bom!")
            dst.addfile(member, io.BytesIO(data))
    Project.objects.filter(pk=portal_data.pk).update(title="Sửa sau khi sao lưu")

    with pytest.raises(backup.BackupError, match="checksum"):
        backup.backup_restore(archive=tampered, force=True)

    assert Project.objects.get(pk=portal_data.pk).title == "Sửa sau khi sao lưu"
    backup.backup_restore(archive=archive, force=True)
    assert Project.objects.get(pk=portal_data.pk).title == "Hỗ trợ máy đóng gói bánh tráng"
