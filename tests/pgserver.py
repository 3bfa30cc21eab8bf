"""A real PostgreSQL server for the tests, started from Debian's `postgresql` package.

One server per test session (initdb + pg_ctl into a temp folder, on a free loopback port, no
Unix socket), one database per test module, tables emptied between tests. initdb refuses to
run as root, so as root the server runs as the `postgres` user (or a user of our own) via
runuser. scripts/test.sh installs the package when it is missing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

TEST_USER = "banana"


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name
                   .isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> list[str]:
    """The command prefix that runs a server program as a user initdb accepts."""
    if os.getuid() != 0:
        return []
    for name in ("postgres", "banana-pg"):
        try:
            pwd.getpwnam(name)
            return ["runuser", "-u", name, "--"]
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "banana-pg"], check=True)
    return ["runuser", "-u", "banana-pg", "--"]


@dataclass
class PgServer:
    folder: Path
    port: int
    prefix: list[str]
    bin: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{TEST_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        subprocess.run([*self.prefix, str(self.bin / "pg_ctl"), "stop", "-D",
                        str(self.folder / "data"), "-m", "immediate", "-s"],
                       capture_output=True, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server() -> PgServer:
    """initdb and start a throwaway server (fsync off: test data is disposable)."""
    binaries = pg_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed: run scripts/test.sh (it installs "
                           "Debian's postgresql package) or apt-get install postgresql.")
    prefix = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="banana-pg-"))
    os.chmod(folder, 0o755)
    data = folder / "data"
    if prefix:
        user = prefix[2]
        shutil.chown(folder, user=user)
    subprocess.run([*prefix, str(binaries / "initdb"), "-D", str(data), "-U", TEST_USER,
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                   check=True, capture_output=True, cwd=folder)
    for _ in range(5):
        port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='' "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=300 -c shared_buffers=32MB")
        started = subprocess.run([*prefix, str(binaries / "pg_ctl"), "start", "-w", "-s",
                                  "-D", str(data), "-l", str(folder / "log"), "-o", options],
                                 capture_output=True, check=False, cwd=folder)
        if started.returncode == 0:
            return PgServer(folder, port, prefix, binaries)
    log = (folder / "log").read_text(errors="replace")[-2000:]
    raise RuntimeError(f"PostgreSQL did not start: {log}")


def truncate_all(url: str) -> None:
    """Empty every table but the schema version, restarting identities."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'schema_version'")]
        if tables:
            conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
