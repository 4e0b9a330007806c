"""The PostgreSQL server the test run uses, for the tests that make a database of their own on it."""

from urllib.parse import quote

from django.db import connection


def server_params() -> dict:
    """psycopg's connection arguments for the suite's server (its host may be a Unix socket's directory: Makefile)."""
    db = connection.settings_dict
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"],
    }
    return {key: value for key, value in params.items() if value}


def database_url(name: str, params: dict) -> str:
    """The URL of database `name` on the server of `params` (the host quoted: a socket's directory holds slashes)."""
    auth = f"{params['user']}:{params['password']}" if params.get("password") else params["user"]
    return f"postgres://{auth}@{quote(str(params['host']), safe='')}:{params['port']}/{name}"
