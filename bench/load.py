"""Load benchmark: gunicorn on 127.0.0.1, signed-in users hammering the main pages and API lists.

    .venv/bin/python bench/load.py                       # kc_load: create, seed at scale 10, 20 users, 60 s
    .venv/bin/python bench/load.py --skip-seed --workers 5 --seconds 30

Uses a PostgreSQL database of its own (--database, default kc_load, on --pg, default the local server):
creates it when missing, migrates it, and seeds it with `seed_demo --scale 10` unless --skip-seed. It adds
one bench officer per province (and, where the portal asks ministry staff for a second factor, a confirmed
TOTP device for them), so never point it at a database that matters. Sessions come from Django's test
client (force_login) in this process and API tokens from `manage.py issue_api_token`; no password is typed.
gunicorn runs with DEBUG off and DJANGO_PRODUCTION unset. Requests go to 127.0.0.1 only.

Prints, per page group: requests, throughput, median and 95th-percentile latency, errors (any status other
than 200, or no answer), with the load average beside the p95 (the machine is shared: other work counts).
Goal from the issue: no errors, p95 < 300 ms for 20 users with a 1 s mean pause (the default --think).

Then the CPU each request costs: utime + stime of the gunicorn workers and of the PostgreSQL backends serving
the bench's database, read from /proc before and after — over the measured mix (all groups together), and
then per page group, each group requested alone --cpu-requests times by two users without pause. Processes
that exit during a phase take their CPU with them (the bench's workers and backends live through it).
"""

import argparse
import http.client
import io
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="kc_load", help="PostgreSQL database of the bench's own")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL, no database")
    parser.add_argument("--skip-seed", action="store_true", help="keep the data already in the database")
    parser.add_argument("--scale", type=int, default=10, help="seed_demo scale (default 10)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync worker)")
    parser.add_argument("--users", type=int, default=20, help="concurrent virtual users")
    parser.add_argument("--seconds", type=float, default=60, help="measured duration")
    parser.add_argument(
        "--think", type=float, default=1, help="mean pause between one user's requests, s (0: none, a stress test)"
    )
    parser.add_argument("--cpu-requests", type=int, default=60, help="requests per group for CPU ms (0: skip)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of load before measuring")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated substrings: the per-group CPU part measures only groups whose name has one",
    )
    return parser.parse_args()


def database_prepare(args: argparse.Namespace, url: str) -> None:
    """Create the database when missing, migrate it, and (unless --skip-seed) seed it, timing each step."""
    import psycopg2

    config = __import__("dj_database_url").parse(url)
    conn = psycopg2.connect(
        dbname="postgres", user=config["USER"], host=config["HOST"], port=config["PORT"], password=config["PASSWORD"]
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{args.database}"')
            print(f"created database {args.database}")
    conn.close()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    if not args.skip_seed:
        started = time.perf_counter()
        call_command("seed_demo", scale=args.scale, seed=1, stdout=sys.stdout)
        print(f"seed_demo --scale {args.scale}: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def accounts_prepare() -> list:
    """The demo accounts, one bench officer per province (2025 code set) and two more ministry staff."""
    from projects.models import Project
    from provinces import services
    from provinces.models import CodeSet, Unit, User

    users = services.demo_accounts_create()
    for unit in Unit.objects.filter(kind=Unit.Kind.EXTENSION_CENTRE, province__code_set=CodeSet.CODES_2025):
        user, _ = User.objects.get_or_create(
            username=f"bench.officer.{unit.province.code}", defaults={"role": User.Role.OFFICER, "unit": unit}
        )
        users.append(user)
    ministry = Unit.objects.get(kind=Unit.Kind.MINISTRY_DEPARTMENT)
    for n in (1, 2):
        user, _ = User.objects.get_or_create(
            username=f"bench.ministry.{n}", defaults={"role": User.Role.MINISTRY, "unit": ministry}
        )
        users.append(user)
    keep = [u for u in users if u.role != User.Role.ADMINISTRATOR]
    print(f"{len(keep)} accounts, {Project.objects.count()} projects")
    return keep


def session_for(user) -> str:
    """A signed-in session id, as after the login form (and the code page, for ministry staff)."""
    from django.apps import apps
    from django.test import Client

    client = Client()
    client.force_login(user)
    if apps.is_installed("django_otp") and (user.sees_all_provinces or user.is_staff):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client.cookies["sessionid"].value


def token_for(user) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("issue_api_token", user.username, days=1, name="bench/load.py", stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def urls_for(user) -> list[tuple[str, str, bool]]:
    """(group, path, via API token) for one account, each group equally likely."""
    from django.urls import reverse

    from projects import selectors as project_selectors
    from provinces import selectors as province_selectors

    ids = list(project_selectors.project_list_for(user=user).order_by("?").values_list("pk", flat=True)[:40])
    urls = [
        ("home", reverse("home"), False),
        ("project list", reverse("projects:list"), False),
        ("project list", reverse("projects:list") + "?page=3", False),
        ("project list", reverse("projects:list") + "?year=2024&status=in_progress", False),
        ("conference list", reverse("conferences:list"), False),
        ("province list", reverse("provinces:list"), False),
        ("api projects", "/api/v1/projects/", True),
        ("api projects", "/api/v1/projects/?page=5", True),
        ("api projects", "/api/v1/projects/?year=2025&ordering=-updated_at", True),
        ("api provinces", "/api/v1/provinces/", True),
    ]
    urls += [("project detail", reverse("projects:detail", args=[pk]), False) for pk in ids]
    if user.sees_all_provinces:
        urls.append(("regional dashboard", reverse("reports:regional_dashboard"), False))
        urls.append(("regional dashboard", reverse("reports:regional_dashboard") + "?year=2024&period=year", False))
    else:
        province = province_selectors.user_province(user=user)
        urls.append(("province dashboard", reverse("reports:province_dashboard", args=[province.pk]), False))
        urls.append(("this period", reverse("projects:this_period"), False))
    # Each group equally likely, whatever its number of URLs.
    by_group = defaultdict(list)
    for url in urls:
        by_group[url[0]].append(url)
    return list(by_group.values())


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As gunicorn binds: the last run's connections in TIME_WAIT do not make the port taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def gunicorn_start(args: argparse.Namespace, url: str, log: Path) -> subprocess.Popen:
    if not port_free(args.port):  # another server there would answer /healthz and be measured instead
        sys.exit(f"{HOST}:{args.port} is taken (another bench?): choose another --port")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "0", "DJANGO_LOG_LEVEL": "WARNING"}
    # Connections kept for the whole bench: with the portal's 60 s, each worker's PostgreSQL backend exited
    # during the 60 s mix and took its CPU with it (the mix showed 0.3 ms of PostgreSQL a request while each
    # group alone showed 1–7 ms). One reconnect a minute per worker costs nothing measurable.
    env["DB_CONN_MAX_AGE"] = str(int(args.warmup + args.seconds) + 3600)
    env.pop("DJANGO_PRODUCTION", None)
    cmd = [
        str(ROOT / ".venv/bin/gunicorn"),
        "khuyencong.wsgi:application",
        "--bind",
        f"{HOST}:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection(HOST, args.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200 and server.poll() is None:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            sys.exit(f"gunicorn exited ({server.returncode}); see {log}")
        time.sleep(0.2)
    server.terminate()
    sys.exit(f"gunicorn did not answer /healthz; see {log}")


def gunicorn_stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class VirtualUser(threading.Thread):
    """Requests one URL after another, without pause, until told to stop; records after the warm-up."""

    def __init__(
        self,
        *,
        port: int,
        session: str,
        token: str,
        groups: list,
        record_after: float,
        stop_at: float,
        think: float,
        limit: int = 0,
    ):
        super().__init__(daemon=True)
        self.think, self.limit = think, limit
        self.port, self.session, self.token, self.groups = port, session, token, groups
        self.record_after, self.stop_at = record_after, stop_at
        self.samples: list[tuple[str, float, int]] = []  # (group, seconds, status; 0 for no answer)
        self.rng = random.Random(session)

    def run(self) -> None:
        while (now := time.monotonic()) < self.stop_at:
            group, path, api = self.rng.choice(self.rng.choice(self.groups))
            headers = {"Authorization": f"Bearer {self.token}"} if api else {"Cookie": f"sessionid={self.session}"}
            headers["Accept-Language"] = "vi"
            begin = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                conn.close()
            except OSError:
                status = 0
            elapsed = time.perf_counter() - begin
            if now >= self.record_after:
                self.samples.append((group, elapsed, status))
            if self.limit and len(self.samples) >= self.limit:
                return
            if self.think:
                time.sleep(self.rng.expovariate(1 / self.think))


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: str) -> tuple[int, int] | None:
    """(parent pid, utime + stime in clock ticks) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) ": state, ppid, …
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_sample(master: int, database: str) -> dict[str, dict[str, int]]:
    """CPU ticks per process: gunicorn's master and workers, and the PostgreSQL backends of the database
    (their process title is "postgres: <user> <database> <client> …")."""
    workers, backends = {}, {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        stat = _proc_stat(pid)
        if stat is None:
            continue
        parent, ticks = stat
        if int(pid) == master or parent == master:
            workers[pid] = ticks
        elif f" {database} " in _cmdline(pid) and _cmdline(pid).startswith("postgres:"):
            backends[pid] = ticks
    return {"workers": workers, "postgres": backends}


def cpu_ms(before: dict, after: dict) -> tuple[float, float]:
    """Milliseconds of CPU spent between two samples by the workers and by the backends (new processes
    count from zero; processes gone since are lost)."""

    def spent(kind: str) -> float:
        return sum(t - before[kind].get(pid, 0) for pid, t in after[kind].items()) * 1000 / CLOCK_TICKS

    return spent("workers"), spent("postgres")


def cpu_per_group(args, server, sessions: list, plans: dict, accounts: list) -> None:
    """Each page group alone: two users, no pause, --cpu-requests requests; CPU ms per request."""
    print(f"\nCPU per request, each group alone ({args.cpu_requests} requests, 2 users, no pause):")
    print(f"{'group':<20}{'workers ms':>11}{'postgres ms':>12}{'total ms':>10}{'load avg':>10}")
    groups: dict[str, list] = {}
    for n in range(len(sessions)):
        for urls in plans[accounts[n % len(accounts)].pk][0]:
            groups.setdefault(urls[0][0], []).append((n, urls))
    # --only: one helper's groups measured in seconds, not the whole list (the mix above stays whole)
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    for group, choices in sorted(groups.items()):
        if wanted and not any(w in group for w in wanted):
            continue
        picked = choices[:2]
        before = cpu_sample(server.pid, args.database)
        per_user = max(1, args.cpu_requests // len(picked))
        users = []
        for n, urls in picked:
            user = VirtualUser(
                port=args.port,
                session=sessions[n],
                token=plans[accounts[n % len(accounts)].pk][1],
                groups=[urls],
                record_after=0,
                stop_at=time.monotonic() + 600,
                think=0,
                limit=per_user,
            )
            users.append(user)
            user.start()
        for user in users:
            user.join()
        after = cpu_sample(server.pid, args.database)
        done = sum(len(u.samples) for u in users)
        workers_ms, pg_ms = cpu_ms(before, after)
        print(
            f"{group:<20}{workers_ms / done:>11.1f}{pg_ms / done:>12.1f}{(workers_ms + pg_ms) / done:>10.1f}"
            f"{os.getloadavg()[0]:>10.2f}"
        )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(samples: list[tuple[str, float, int]], seconds: float) -> int:
    by_group = defaultdict(list)
    for sample in samples:
        by_group[sample[0]].append(sample)
    print(f"\n{'group':<20}{'requests':>9}{'req/s':>8}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
    rows = sorted(by_group.items()) + [("ALL", samples)]
    for group, rows_ in rows:
        times = [s[1] * 1000 for s in rows_]
        errors = sum(1 for s in rows_ if s[2] != 200)
        print(
            f"{group:<20}{len(rows_):>9}{len(rows_) / seconds:>8.1f}{statistics.median(times):>11.0f}"
            f"{percentile(times, 0.95):>9.0f}{max(times):>9.0f}{errors:>8}"
        )
    statuses = defaultdict(int)
    for s in samples:
        if s[2] != 200:
            statuses[s[2]] += 1
    if statuses:
        print("errors by status (0: no answer): " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    return sum(statuses.values())


def main() -> None:
    args = parse_args()
    url = f"{args.pg.rstrip('/')}/{args.database}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    os.environ.pop("DJANGO_PRODUCTION", None)
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    database_prepare(args, url)
    accounts = accounts_prepare()
    plans = {user.pk: (urls_for(user), token_for(user)) for user in accounts}
    log = ROOT / "var" / "bench-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    server = gunicorn_start(args, url, log)
    print(
        f"gunicorn: {args.workers} workers × {args.threads} threads on {HOST}:{args.port} (log {log}); "
        f"{args.users} users (mean pause {args.think:g} s), {args.warmup:.0f} s warm-up + {args.seconds:.0f} s "
        f"measured; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before"
    )
    try:
        sessions = [session_for(accounts[n % len(accounts)]) for n in range(args.users)]
        start = time.monotonic()
        users = []
        for n, session in enumerate(sessions):
            groups, token = plans[accounts[n % len(accounts)].pk]
            users.append(
                VirtualUser(
                    port=args.port,
                    session=session,
                    token=token,
                    groups=groups,
                    record_after=start + args.warmup,
                    stop_at=start + args.warmup + args.seconds,
                    think=args.think,
                )
            )
        for user in users:
            user.start()
        time.sleep(max(0.0, start + args.warmup - time.monotonic()))
        mix_before = cpu_sample(server.pid, args.database)
        for user in users:
            user.join()
        mix_after = cpu_sample(server.pid, args.database)
        load_after = os.getloadavg()
        if args.cpu_requests:
            cpu_per_group(args, server, sessions, plans, accounts)
    finally:
        gunicorn_stop(server)
    print(
        f"\nload average {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} at the end of the measured "
        f"load (this machine is shared: other work counts too)"
    )
    samples = [s for user in users for s in user.samples]
    errors = report(samples, args.seconds)
    workers_ms, pg_ms = cpu_ms(mix_before, mix_after)
    print(
        f"CPU over the measured mix: {workers_ms / len(samples):.1f} ms workers + {pg_ms / len(samples):.1f} ms "
        f"PostgreSQL = {(workers_ms + pg_ms) / len(samples):.1f} ms per request ({len(samples)} requests)"
    )
    pages = [s[1] for s in samples if not s[0].startswith("api")]
    api = [s[1] for s in samples if s[0].startswith("api")]
    p95_pages, p95_api = percentile(pages, 0.95) * 1000, percentile(api, 0.95) * 1000
    ok = errors == 0 and p95_pages < 300 and p95_api < 300
    print(
        f"\n{args.users} users, mean pause {args.think:g} s: pages p95 {p95_pages:.0f} ms, API lists p95 "
        f"{p95_api:.0f} ms, {errors} errors, load average {load_after[0]:.2f}: "
        f"{'goal met' if ok else 'goal NOT met'} (no errors, p95 < 300 ms, on an otherwise idle machine)"
    )


if __name__ == "__main__":
    main()
