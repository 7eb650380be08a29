import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_production_mode_passes_the_deployment_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_PRODUCTION="1",
        DJANGO_SECRET_KEY="a-real-secret-key-that-is-long-and-random-7f3c9a1e5b2d8046c1e9f7a3b5d2",
        DJANGO_ALLOWED_HOSTS="khuyencong.example.vn",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_manage(
        "check",
        DJANGO_PRODUCTION="1",
        DJANGO_ALLOWED_HOSTS="khuyencong.example.vn",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_mode_refuses_to_start_without_a_shared_cache():
    """Each worker's own memory as the cache: a write seen by one worker left the others' figures stale."""
    result = run_manage(
        "check",
        DJANGO_PRODUCTION="1",
        DJANGO_SECRET_KEY="a-real-secret-key-that-is-long-and-random-7f3c9a1e5b2d8046c1e9f7a3b5d2",
        DJANGO_ALLOWED_HOSTS="khuyencong.example.vn",
        REDIS_URL="",
    )
    assert result.returncode != 0
    assert "REDIS_URL must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_every_app_with_tests_is_collected_by_the_test_command():
    """pytest.ini's testpaths decide what `make test` (and CI) runs: an app missing there is never tested."""
    import configparser

    from django.conf import settings

    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    collected = set(ini["pytest"]["testpaths"].split())
    local_apps = {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    with_tests = {app for app in local_apps if (ROOT / app / "tests").is_dir()}
    assert with_tests - collected == set()
