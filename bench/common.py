"""What the bench scripts share: the bench database made when DATABASE_URL names one that does not exist."""

import os


def ensure_database() -> None:
    """Create the PostgreSQL database DATABASE_URL names, if missing (SQLite needs nothing)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    conn = psycopg2.connect(
        dbname="postgres", user=config["USER"], host=config["HOST"], port=config["PORT"], password=config["PASSWORD"]
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    conn.close()


def scale_switcher(names: dict[int, str]):
    """`use(scale)` for a bench that interleaves databases in one process: Django's default connection becomes
    that scale's own (each kept open) and the cache gets a key prefix of that scale's own.

    Closing and reopening one connection at each switch gave every request a new PostgreSQL backend with cold
    catalog caches (about 35 ms a request, alike at both scales, which pulled every ratio towards 1). One
    cache for both databases answered a scale's warm request with what the other stored: cached values are
    keyed by their SQL, period and scope, which are the same in both databases.
    """
    from django.core.cache import caches
    from django.db import connections

    base = connections["default"]
    base.close()
    prefix = caches["default"].key_prefix
    wrappers = {}

    def use(scale: int) -> None:
        if scale not in wrappers:
            wrappers[scale] = base.__class__({**base.settings_dict, "NAME": names[scale]}, "default")
        connections["default"] = wrappers[scale]
        caches["default"].key_prefix = f"{prefix}-bench-s{scale}"

    return use
