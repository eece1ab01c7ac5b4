"""What every benchmark shares: a throw-away app and database, tools, timing
and the shape of a result.

Benchmarks are not tests: nothing here asserts a timing. Every loop is
bounded in count and in time, and every server listens on 127.0.0.1 only.
"""
from __future__ import annotations

import contextlib
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BENCH_SECRET = "bench-secret-key-" + "b" * 40
#: Sizes are multiplied by this (AULA_BENCH_SCALE, default 1: the sizes the
#: issue asks for). Only for trying the benchmarks out quickly: a run with
#: another scale says so in its results.
SCALE = float(os.environ.get("AULA_BENCH_SCALE", "1"))


def scaled(size: int) -> int:
    return max(1, int(size * SCALE))
PASSWORD = "plum sextant ledger 9041"  # no word of a bench learner's name (the password rules)


# -- results -----------------------------------------------------------------

@dataclass
class Figure:
    """One measured figure next to the baseline measured in the same run."""

    name: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    #: "higher" when a bigger value is better (throughput), "lower" otherwise.
    better: str = "higher"
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


@dataclass
class Result:
    name: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def as_dict(self) -> dict:
        return {
            "name": self.name, "title": self.title, "figures": [f.as_dict() for f in self.figures],
            "notes": self.notes, "details": self.details, "error": self.error, "seconds": self.seconds,
        }


# -- time and numbers ---------------------------------------------------------

class Deadline:
    """A time budget: every loop checks it, so nothing runs for ever."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def passed(self) -> bool:
        return time.monotonic() >= self.end


def percentile(values, fraction: float) -> float:
    """Nearest-rank percentile (fraction 0..1) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def median(values) -> float:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return float("nan")
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the machine --------------------------------------------------------------

def machine() -> dict:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "os": f"{platform.system()} {platform.release()}",
        "sqlite": __import__("sqlite3").sqlite_version,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


# -- tools --------------------------------------------------------------------

def ensure_tool(command: str, apt_package: str | None = None) -> str | None:
    """The path of `command`, installing its Debian package when it is missing.

    Installs only as root with apt-get present (as .ci/run does for Chromium);
    returns None when the tool cannot be had, so the caller can fall back.
    """
    found = shutil.which(command)
    if found:
        return found
    apt = shutil.which("apt-get")
    if not apt or os.geteuid() != 0:
        log(f"{command} is missing and cannot be installed here")
        return None
    package = apt_package or command
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [apt, "-o", "DPkg::Lock::Timeout=120", "install", "-y", "-qq", package]
    log(f"installing {package} with apt-get")
    for attempt in (install, [apt, "-o", "DPkg::Lock::Timeout=120", "update", "-qq"], install):
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            subprocess.run(attempt, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=300, check=False)
        found = shutil.which(command)
        if found:
            return found
    log(f"could not install {package}")
    return None


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (bind to port 0, read it, let it go)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, deadline: Deadline, process: subprocess.Popen | None = None) -> None:
    while not deadline.passed():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server stopped with exit code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listened on port {port} within {deadline.seconds:.0f} s")


@dataclass
class Run:
    """A finished child process: its exit code, wall time and peak memory."""

    returncode: int
    seconds: float
    max_rss_mb: float
    user_seconds: float
    system_seconds: float
    timed_out: bool = False


def run_measured(args, *, timeout: float, stdout=None, stderr=None, env=None, cwd=None) -> Run:
    """Run a child process and measure it alone: wall time, CPU time and peak
    resident memory.

    The peak comes from GNU time (/usr/bin/time, installed if missing): a
    process forked from this one would start its count from this process's
    own memory, so os.wait4's figure is only the fallback.
    """
    gnu_time = ensure_tool("/usr/bin/time", "time")
    report = None
    if gnu_time:
        fd, report = tempfile.mkstemp(prefix="aula-bench-time-")
        os.close(fd)
        args = [gnu_time, "-f", "%M %U %S", "-o", report, *args]
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=stdout, stderr=stderr, env=env, cwd=cwd, start_new_session=True)
    timed_out = threading.Event()

    def watchdog():
        timed_out.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, watchdog)
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    max_rss_kb, user, system = usage.ru_maxrss, usage.ru_utime, usage.ru_stime
    if report:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(report).read_text().strip().splitlines()[-1].split()
            max_rss_kb, user, system = int(fields[0]), float(fields[1]), float(fields[2])
        Path(report).unlink(missing_ok=True)
        # GNU time exits with the command's own exit status.
    return Run(process.returncode, seconds, max_rss_kb / 1024, user, system, timed_out.is_set())


def stop_process(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a server we started (its whole process group), gently then firmly."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)


# -- a throw-away app ---------------------------------------------------------

class Workspace:
    """A temporary folder with its own SQLite database, built by the
    project's migrations, and the settings to run the app against it."""

    def __init__(self, name: str, content_dir: Path | None = None, database_url: str | None = None):
        base = os.environ.get("AULA_BENCH_TMP") or None
        self.root = Path(tempfile.mkdtemp(prefix=f"aula-bench-{name}-", dir=base))
        self.db_path = self.root / "aula.sqlite3"
        self.content_dir = Path(content_dir or PROJECT_ROOT / "content")
        self.outbox = self.root / "outbox"
        self._database_url = database_url  # another database than the SQLite file (PostgreSQL)

    @property
    def database_url(self) -> str:
        return self._database_url or f"sqlite:///{self.db_path}"

    def config(self, **overrides) -> dict:
        config = {
            "SECRET_KEY": BENCH_SECRET,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "CONTENT_DIR": str(self.content_dir),
            "OUTBOX_DIR": str(self.outbox),
            "BASE_URL": "http://127.0.0.1:5000",
        }
        config.update(overrides)
        return config

    def env(self, **extra) -> dict:
        """The environment for a `flask`/`gunicorn` child using this workspace."""
        env = dict(os.environ)
        env.update({
            "SECRET_KEY": BENCH_SECRET,
            "DATABASE_URL": self.database_url,
            "CONTENT_DIR": str(self.content_dir),
            "BASE_URL": "http://127.0.0.1:5000",
            "FLASK_APP": "app",
        })
        env.pop("FLASK_DEBUG", None)
        env.update(extra)
        return env

    def create_app(self, **overrides):
        from course import create_app

        return create_app(self.config(**overrides))

    def migrate(self) -> None:
        """`flask db upgrade`, in this process, then let the engine go."""
        from flask_migrate import upgrade

        from course.extensions import db
        from course.migrations_cli import init_migrations

        app = self.create_app()
        init_migrations(app)
        with app.app_context():
            upgrade()
            db.session.remove()
            db.engine.dispose()

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        if not os.environ.get("AULA_BENCH_KEEP"):
            self.cleanup()


@contextlib.contextmanager
def postgres_database(name: str):
    """A database on a throw-away PostgreSQL server (scripts/pg_cluster.py); yields its URL,
    or None when Debian's PostgreSQL is not installed."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pg_cluster", PROJECT_ROOT / "scripts" / "pg_cluster.py")
    cluster = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cluster)
    try:
        cluster.bin_dir()
    except SystemExit as exc:
        log(f"PostgreSQL skipped: {exc}")
        yield None
        return
    with cluster.cluster() as admin_url:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def password_hash(app) -> str:
    """One hash of PASSWORD by the app's own rules, reused for bulk-inserted learners."""
    from course.models import User

    with app.app_context():
        user = User()
        user.set_password(PASSWORD)
        return user.password_hash
