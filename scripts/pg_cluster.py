"""A throw-away PostgreSQL server from Debian's `postgresql` package.

    python scripts/pg_cluster.py -- COMMAND [ARGS...]

starts a new cluster (initdb in a temporary folder, a free port on 127.0.0.1,
the socket in that folder, fsync off: for tests and benchmarks only), runs
COMMAND with TEST_DATABASE_URL set to its `postgres` database (superuser
`aula`, no password), then stops the server and removes the folder, whatever
happens; exits with COMMAND's exit code. The server refuses to run as root:
as root it runs as the `postgres` user (which the package creates).

`cluster()` is the same as a context manager, for the benchmarks.
"""
import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
}


def bin_dir() -> Path:
    """The newest Debian PostgreSQL server's bin folder (not on PATH: Debian keeps it apart)."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql: "
                         "apt-get install postgresql (make test-postgres does it as root)")
    newest = max(found, key=lambda path: int(re.search(r"/(\d+)/bin/", path).group(1)))
    return Path(newest).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def cluster(prefix: str = "aula-pg-"):
    """Start a throw-away server; yields its URL (database `postgres`, user `aula`)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    data = folder / "data"
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    binaries = bin_dir()
    port = free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "text": True}
    started = False
    try:
        result = subprocess.run(_as_server_user([str(binaries / "initdb"), "-D", str(data), "-U", "aula",
                                                 "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]),
                                **quiet)
        if result.returncode:
            raise SystemExit(f"initdb failed: {result.stderr.strip()}")
        options = " ".join(f"-c {key}={value}" for key, value in
                           {**SETTINGS, "port": port, "unix_socket_directories": folder}.items())
        result = subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-o", options,
                                                 "-l", str(folder / "server.log"), "-w", "-t", "60", "start"]),
                                **quiet)
        if result.returncode:
            log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
            raise SystemExit(f"PostgreSQL did not start: {result.stderr.strip()} {log.strip()}")
        started = True
        yield f"postgresql+psycopg://aula@127.0.0.1:{port}/postgres"
    finally:
        if started:
            subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                            "-w", "stop"]), **quiet)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    # SIGTERM (CI timing out, a stopped make) stops the server too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with cluster() as url:
        try:
            return subprocess.run(argv, env={**os.environ, "TEST_DATABASE_URL": url}).returncode
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
