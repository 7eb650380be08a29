"""Backup and restore of the whole portal: the database and the uploaded files, in one .tar.gz archive.

An archive holds `manifest.json` (when, which database engine, the migration state, row counts per table
and the sha256 of every file), the database (`database.dump`: pg_dump custom format on PostgreSQL;
`database.sqlite3`: a page-consistent copy made with SQLite's backup API) and `media/` (MEDIA_ROOT).
`backup_create` only reads; `backup_restore` replaces the configured database and MEDIA_ROOT.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import django
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from khuyencong import cachekeys

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
# Tables `migrate` (or `flush`) fills by itself: rows there do not make a database "non-empty".
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for an operator."""


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"khuyencong-{stamp}.tar.gz"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def table_row_counts(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows in every table of the database, by table name (Django's and any other)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected)
            counts[table] = cursor.fetchone()[0]
    return counts


def media_checksums(root: Path) -> dict[str, str]:
    """sha256 of every regular file under root, keyed by its POSIX path relative to root."""
    root = Path(root)
    if not root.is_dir():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(root).as_posix()] = file_sha256(path)
    return found


def migration_state(*, using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    """Applied migrations as [app, name] pairs, sorted."""
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return sorted([app, name] for app, name in applied)


# PostgreSQL ----------------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from KC_PG_BINDIR when set, else from PATH."""
    bindir = os.environ.get("KC_PG_BINDIR")
    path = str(Path(bindir) / name) if bindir else shutil.which(name)
    if not path or not Path(path).exists():
        raise BackupError(f"{name} not found (install postgresql-client or set KC_PG_BINDIR).")
    return path


def _pg_check_version(tool: str, connection) -> None:
    """pg_dump/pg_restore must be at least the server's major version (pg_dump refuses a newer server)."""
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.(\d+))?", output)
    tool_major = int(match.group(1)) if match else 0
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    if tool_major < server_major:
        raise BackupError(
            f"{Path(tool).name} {tool_major} is older than the PostgreSQL server {server_major}: "
            f"install the version {server_major} client tools (or set KC_PG_BINDIR)."
        )


def _pg_args_env(connection) -> tuple[list[str], dict[str, str]]:
    """Connection options for the client tools; the password goes through the environment, not argv."""
    params = connection.settings_dict
    args = ["--dbname", params["NAME"]]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    options = params.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT")):
        if options.get(key):
            env[var] = str(options[key])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603 (fixed tool, no shell)
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _pg_dump(connection, target: Path) -> None:
    tool = _pg_tool("pg_dump")
    _pg_check_version(tool, connection)
    args, env = _pg_args_env(connection)
    _run([tool, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env)


def _pg_restore(connection, source: Path) -> None:
    """One transaction: either the whole dump replaces the tables it holds, or nothing changes."""
    tool = _pg_tool("pg_restore")
    _pg_check_version(tool, connection)
    args, env = _pg_args_env(connection)
    connection.close()  # our own open session would hold locks pg_restore --clean waits for
    _run(
        [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", *args, str(source)],
        env,
    )  # fmt: skip


# SQLite --------------------------------------------------------------------------------------------------


def _sqlite_raw(connection) -> sqlite3.Connection:
    connection.ensure_connection()
    return connection.connection


def _sqlite_dump(connection, target: Path) -> None:
    """A consistent copy even while others write: SQLite's online backup API, not a file copy."""
    dest = sqlite3.connect(target)
    try:
        _sqlite_raw(connection).backup(dest)
    finally:
        dest.close()


def _sqlite_restore(connection, source: Path) -> None:
    """Copies every page of the archived database over the live one in a single step (atomic for readers)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        src.backup(_sqlite_raw(connection))
    finally:
        src.close()


# Archive -------------------------------------------------------------------------------------------------


def backup_create(*, output: Path | None = None, using: str = DEFAULT_DB_ALIAS) -> tuple[Path, dict]:
    """Write one archive with the database and MEDIA_ROOT; returns its path and manifest. Only reads.

    The archive is written under a temporary name and renamed when complete, so a half-written file is
    never mistaken for a backup.
    """
    connection = connections[using]
    output = Path(output) if output else default_output()
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="kc-backup-") as tmp:
        tmp = Path(tmp)
        if connection.vendor == "postgresql":
            db_file = tmp / PG_DUMP_FILE
            _pg_dump(connection, db_file)
        elif connection.vendor == "sqlite":
            db_file = tmp / SQLITE_FILE
            _sqlite_dump(connection, db_file)
        else:
            raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
        media = media_checksums(media_root)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "django": django.get_version(),
            "database": {
                "vendor": connection.vendor,
                "file": db_file.name,
                "sha256": file_sha256(db_file),
                "server_version": getattr(connection, "pg_version", None) or sqlite3.sqlite_version,
            },
            "migrations": migration_state(using=using),
            "row_counts": table_row_counts(using=using),
            "media": media,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp / MANIFEST, arcname=MANIFEST)
            tar.add(db_file, arcname=db_file.name)
            for relative in media:
                tar.add(media_root / relative, arcname=f"media/{relative}")
        partial.replace(output)
    return output, manifest


def _extract_verified(archive: Path, into: Path) -> dict:
    """Unpack the archive into a folder and check every checksum against its manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                name = member.name
                allowed = name in (MANIFEST, PG_DUMP_FILE, SQLITE_FILE) or name.startswith("media/")
                if not allowed or not (member.isfile() or member.isdir()) or ".." in Path(name).parts:
                    raise BackupError(f"Unexpected entry in the archive: {name!r}.")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"Cannot read the archive {archive}: {exc}") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"The archive has no readable {MANIFEST}.") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    db = manifest["database"]
    db_file = into / db["file"]
    if not db_file.is_file() or file_sha256(db_file) != db["sha256"]:
        raise BackupError("The database file in the archive is missing or does not match its checksum.")
    found = media_checksums(into / "media")
    bad = sorted(set(manifest["media"]) ^ set(found)) + sorted(
        name for name, digest in manifest["media"].items() if found.get(name, digest) != digest
    )
    if bad:
        raise BackupError(
            f"{len(bad)} media file(s) in the archive missing, extra or not matching their checksum, e.g. {bad[0]}."
        )
    return manifest


def database_is_empty(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when no table holds rows beyond what `migrate` itself writes (migrations, content types…)."""
    counts = table_row_counts(using=using)
    return not any(n for table, n in counts.items() if table not in BOOKKEEPING_TABLES)


def backup_restore(*, archive: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Replace the configured database and MEDIA_ROOT with an archive's; returns its manifest.

    Refuses a non-empty database or MEDIA_ROOT, an archive of another engine, and an archive made by
    newer code (migrations this code does not know), unless force. Every checksum is verified before
    anything is touched. The database is restored in one transaction (pg_restore --single-transaction,
    or SQLite's one-step backup); the files are staged beside MEDIA_ROOT and swapped in by rename only
    once the database is in, so a failed restore leaves the old files in place.
    """
    connection = connections[using]
    archive = Path(archive)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".kc-restore-", dir=media_root.parent) as tmp:
        tmp = Path(tmp)
        manifest = _extract_verified(archive, tmp)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(f"The archive holds a {vendor} database; this portal runs on {connection.vendor}.")
        if not force:
            known = {(app, name) for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
            unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
            if unknown:
                raise BackupError(
                    f"The archive was made by newer code ({len(unknown)} unknown migrations, e.g. {unknown[0]}); "
                    "deploy that version first, or use --force."
                )
            if not database_is_empty(using=using):
                raise BackupError("The database is not empty: restoring would replace its data. Use --force.")
            if media_checksums(media_root):
                raise BackupError(f"MEDIA_ROOT ({media_root}) holds files: restoring replaces them. Use --force.")
        if vendor == "postgresql":
            _pg_restore(connection, tmp / PG_DUMP_FILE)
        else:
            _sqlite_restore(connection, tmp / SQLITE_FILE)
        connection.close()
        ContentType.objects.clear_cache()
        # Every cached figure, list page and API page described the data just replaced (their keys hold SQL
        # and a data version, not the data): a new version makes them all stale, and so do the calendar and the
        # provinces cached as reference data.
        cachekeys.bump_reference()
        staged = tmp / "media"
        staged.mkdir(exist_ok=True)
        _swap_in(staged, media_root, keep=tmp / "media-before-restore")
    return manifest


def _swap_in(staged: Path, target: Path, *, keep: Path) -> None:
    """Put staged in target's place: two renames on one filesystem; a copy when target is a mount point."""
    try:
        if target.exists():
            target.rename(keep)
        staged.rename(target)
    except OSError:
        target.mkdir(parents=True, exist_ok=True)
        for child in target.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        shutil.copytree(staged, target, dirs_exist_ok=True)


def restore_differences(manifest: dict, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Tables whose row counts and media files whose checksums differ from the manifest (empty: all match)."""
    counts = table_row_counts(using=using)
    problems = [
        f"{table}: {expected} rows in the archive, {counts.get(table)} now"
        for table, expected in manifest["row_counts"].items()
        if counts.get(table) != expected
    ]
    media = media_checksums(Path(settings.MEDIA_ROOT))
    problems += [
        f"media/{name}: checksum differs" for name, digest in manifest["media"].items() if media.get(name) != digest
    ]
    return problems
