"""Where one page's time goes: a signed-in user requests it warm, under cProfile, in this process.

    DATABASE_URL=postgres://…/kc_b10 REDIS_URL=redis://127.0.0.1:6379/9 \
        .venv/bin/python bench/page_profile.py --user cantho.canbo /projects/ /api/v1/projects/ [-n 30] [--top 25]

Each URL is requested twice to warm the caches, then -n times timed (wall and process CPU), then -n times
under cProfile. Prints, per URL: the mean CPU ms a request, the queries one request runs (cursor executes
in the profile), and the profile's heaviest functions by own time and by cumulative time (--top 0: none).
API URLs (/api/…) are requested with a token of the user's, pages with a session (and, for ministry staff,
a confirmed second factor, as after the code page). The profiler's own cost about doubles the times inside
it: compare functions with each other, and requests by the timed CPU line.
DEBUG stays off. Run on purpose against a bench database (it adds a TOTP device and an API token).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--user", default="bo.vuphuong")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime,cumulative")
    parser.add_argument("--cold", action="store_true", help="bump the data version before each request")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from khuyencong import cachekeys

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    from load import session_for, token_for

    from provinces.models import User

    user = User.objects.get(username=args.user)
    page_client, api_client = Client(), Client()  # the API's callers send a token and no session cookie
    page_client.cookies["sessionid"] = session_for(user)
    token = token_for(user)

    # The queries one request runs, counted from the profile (the debug cursor would change the timing).
    execute = "<method 'execute' of 'psycopg2.extensions.cursor' objects>"
    for url in args.urls:
        api = url.startswith("/api/")
        client = api_client if api else page_client
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if api else {}
        for _ in range(2):
            response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code)

        def get(client=client, url=url, headers=headers):
            if args.cold:
                cachekeys.bump()  # outside a transaction: at once (the bump's own cost is in the figures)
            client.get(url, **headers)

        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(args.n):
            get()
        cpu, wall = (time.process_time() - cpu0) / args.n * 1000, (time.perf_counter() - wall0) / args.n * 1000
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.n):
            get()
        profile.disable()
        executes = sum(
            calls for (_file, _line, name), (calls, *_rest) in pstats.Stats(profile).stats.items() if name == execute
        )
        print(f"\n=== {url}  as {user.username}: {cpu:.1f} ms CPU, {wall:.1f} ms wall, {executes / args.n:g} queries")
        for key in args.sort.split(",") if args.top else []:
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats(key)
            stats.print_stats(args.top)
            lines = out.getvalue().splitlines()
            start = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
            print(f"--- by {key} (totals for {args.n} requests)")
            print("\n".join(lines[start : start + args.top + 1]))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
