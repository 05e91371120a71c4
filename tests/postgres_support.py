"""A throwaway PostgreSQL cluster for the class-mode tests (Debian's ``postgresql`` package).

:func:`postgres_cluster` runs ``initdb`` into a temporary folder and starts the server on a
Unix socket in that folder (no TCP port is opened), as the ``postgres`` user when the tests run
as root (PostgreSQL refuses to run as root), and removes everything afterwards. The fixtures:

``postgres_server``
    One cluster per test session; skipped when PostgreSQL is not installed, failed instead when
    the ``CI`` environment variable is set (``scripts/ensure_test_tools.sh`` installs it).
``postgres_url``
    A fresh, empty database on that cluster for each test, as an SQLAlchemy URL.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

from tests.browser_support import free_port


def postgres_bin() -> Path | None:
    """Return the folder of Debian's newest PostgreSQL programs, or None when not installed."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def require_postgres() -> Path:
    """Return :func:`postgres_bin`; skip the test when missing, fail instead when ``CI`` is set."""
    found = postgres_bin()
    if found is not None:
        return found
    message = "PostgreSQL not found (install it with scripts/ensure_test_tools.sh)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _as_owner(command: list[str]) -> list[str]:
    """Run ``command`` as ``postgres`` when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def postgres_cluster(bindir: Path) -> Iterator[str]:
    """Start a new PostgreSQL cluster; yield the URL of its ``postgres`` database."""
    folder = Path(tempfile.mkdtemp(prefix="knn-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()  # part of the socket's file name only: no TCP port is opened
    run = dict(check=True, capture_output=True, text=True)
    try:
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            **run,
        )
        options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off"
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(folder / "log"),
                    "-w",
                    "start",
                ]
            ),
            **run,
        )
        try:
            yield f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
        finally:
            subprocess.run(
                _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
            )
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"PostgreSQL did not start: {error.stderr}") from error
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the cluster of ``server_url``; return its URL."""
    import psycopg

    conninfo = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.replace("@/postgres?", f"@/{name}?")


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a throwaway cluster's ``postgres`` database (one cluster per session)."""
    with postgres_cluster(require_postgres()) as url:
        yield url


_numbers = count(1)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database on the session's cluster, as an SQLAlchemy URL."""
    return create_database(postgres_server, f"test_{next(_numbers)}")
