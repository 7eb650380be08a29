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
