"""3. Completion export: 1,000,000 learner-module rows (250,000 synthetic
learners x 4 modules) written as CSV by `flask export completions --format
csv --output FILE` (course/admin: records.completion_rows + formats.csv_chunks),
against the sqlite3 command-line tool writing the same query
(records.completion_query, compiled for SQLite) to CSV.

Both run as child processes, measured alone: wall time, and peak resident
memory from os.wait4 (the child's own rusage).
"""
from __future__ import annotations

import json
import subprocess
import sys
import time

from .common import PROJECT_ROOT, password_hash, SCALE, VENV_BIN, Deadline, Figure, Result, Workspace, ensure_tool, log, run_measured
from .population import insert_learners, insert_progress

LEARNERS = int(250_000 * SCALE)  # x 4 modules = 1,000,000 records
TARGET_RATIO = 2.0
TARGET_MB = 150
ZONES = ("Europe/Rome", "Europe/Madrid", "Europe/Warsaw", "Europe/London", "America/New_York", "Asia/Tokyo")


def compiled_query(app) -> str:
    """The export's own SELECT, with its values inlined, as SQLite runs it."""
    from sqlalchemy.dialects import sqlite

    from course.admin import records
    from course.content import get_content

    with app.app_context():
        stmt = records.completion_query(records.module_specs(get_content()))
        return str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def count_lines(path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def run(result: Result, deadline: Deadline) -> None:
    sqlite_cli = ensure_tool("sqlite3")
    with Workspace("export") as ws:
        ws.migrate()
        app = ws.create_app()
        from course.admin import records
        from course.content import get_content
        with app.app_context():
            specs = records.module_specs(get_content())
            from course.extensions import db
            db.engine.dispose()
        started = time.perf_counter()
        ids = insert_learners(ws.db_path, LEARNERS, hashed=password_hash(app), zones=ZONES, prefix="x",
                              schedules=False)
        counts = insert_progress(ws.db_path, ids, specs)
        expected = LEARNERS * len(specs)
        result.details["population"] = (
            f"{LEARNERS:,} learners x {len(specs)} modules = {expected:,} records; "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
            + f"; inserted in {time.perf_counter() - started:.1f} s (executemany, one transaction)")
        log(result.details["population"])
        query = compiled_query(app)
        (ws.root / "query.sql").write_text(query)

        # The app: the real command, in its own process.
        out_app = ws.root / "app.csv"
        log_app = ws.root / "export.log"
        with open(log_app, "wb") as err:
            app_run = run_measured([str(VENV_BIN / "flask"), "--app", "app", "export", "completions", "--format",
                                    "csv", "--output", str(out_app)], timeout=max(60, deadline.left() - 60),
                                   stdout=subprocess.DEVNULL, stderr=err, env=ws.env(), cwd=PROJECT_ROOT)
        if app_run.returncode != 0:
            raise RuntimeError(f"flask export completions failed ({app_run.returncode}, timed out: "
                               f"{app_run.timed_out}):\n{log_app.read_text(errors='replace')[-3000:]}")
        app_lines = count_lines(out_app) - 1
        log(f"app: {app_run.seconds:.1f} s, peak {app_run.max_rss_mb:.0f} MB, {app_lines} records")

        # The same app process doing nothing but start (to show what start-up costs).
        startup = run_measured([str(VENV_BIN / "flask"), "--app", "app", "export", "--help"], timeout=120,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ws.env(), cwd=PROJECT_ROOT)

        # Baseline: the sqlite3 tool, the same query, CSV to a file.
        if sqlite_cli:
            out_cli = ws.root / "sqlite3.csv"
            with open(out_cli, "wb") as fh:
                cli_run = run_measured([sqlite_cli, "-bail", "-csv", "-header", str(ws.db_path), query],
                                       timeout=max(60, deadline.left() - 10), stdout=fh, stderr=subprocess.PIPE)
            cli_lines = count_lines(out_cli) - 1
            log(f"sqlite3: {cli_run.seconds:.1f} s, peak {cli_run.max_rss_mb:.0f} MB, {cli_lines} records")
            app_cpu = app_run.user_seconds + app_run.system_seconds
            cli_cpu = cli_run.user_seconds + cli_run.system_seconds
            result.add(Figure("CSV export, wall time", app_run.seconds, "s", "sqlite3 tool, same query",
                              cli_run.seconds, "lower"))
            # Both are single-threaded processes writing the same file: on a
            # shared machine their CPU times compare what each costs, while
            # their wall times also count waiting for a core. The target is
            # judged on CPU time (both are shown).
            result.add(Figure("CSV export, CPU time", app_cpu, "s", "sqlite3 tool, same query", cli_cpu, "lower",
                              f"within {TARGET_RATIO:.0f}x the baseline", app_cpu <= TARGET_RATIO * cli_cpu))
            result.add(Figure("CSV export, peak memory", app_run.max_rss_mb, "MB", "sqlite3 tool",
                              cli_run.max_rss_mb, "lower", f"under {TARGET_MB} MB", app_run.max_rss_mb < TARGET_MB))
            result.details["sqlite3_records"] = f"{cli_lines:,}"
        else:
            result.add(Figure("CSV export, wall time", app_run.seconds, "s", "sqlite3 tool unavailable", None))
            result.add(Figure("CSV export, peak memory", app_run.max_rss_mb, "MB", better="lower",
                              target=f"under {TARGET_MB} MB", met=app_run.max_rss_mb < TARGET_MB))
            result.notes.append("the sqlite3 tool could not be installed: no baseline")
        result.add(Figure("of which the command's start-up (flask export --help)", startup.seconds, "s",
                          better="lower"))
        result.details["app_records"] = f"{app_lines:,} (expected {expected:,})"
        result.details["app_csv_mb"] = round(out_app.stat().st_size / 1e6, 1)
        result.details["startup_peak_mb"] = round(startup.max_rss_mb, 1)
        if app_lines != expected:
            result.notes.append(f"the export wrote {app_lines} records, not {expected}")

        # Where the export's time goes, on the first twentieth of the learners.
        if deadline.left() > 30:
            try:
                done = subprocess.run([sys.executable, "-m", "bench.export", str(max(1, LEARNERS // 20))],
                                      cwd=PROJECT_ROOT, env=ws.env(), capture_output=True, text=True,
                                      timeout=max(20, deadline.left() - 10), check=False)
            except subprocess.TimeoutExpired:
                result.notes.append("the breakdown of the export's time did not finish within the time budget")
            else:
                if done.returncode == 0:
                    data = json.loads(done.stdout.strip().splitlines()[-1])
                    result.details["breakdown"] = data["phases"]
                    result.details["profile"] = data["profile"]
                else:
                    result.notes.append(f"the breakdown failed: {done.stderr[-1500:]}")
        else:
            result.notes.append("no breakdown of the export's time: time budget")


def breakdown(learners: int) -> dict:
    """CPU time of each layer of the export over the first `learners`
    learners: the SQL alone (sqlite3 module, rows fetched as they come),
    the rows through SQLAlchemy (records.completion_rows), and the whole CSV
    export (export.export_chunks); then a cProfile of the whole."""
    import cProfile
    import io
    import pstats
    import sqlite3

    from sqlalchemy import select
    from sqlalchemy.dialects import sqlite

    from course import create_app
    from course.admin import export, records
    from course.admin.filters import Filters
    from course.content import get_content
    from course.extensions import db
    from course.models import User

    app = create_app()
    with app.app_context():
        ids = list(db.session.scalars(select(User.id).order_by(User.id).limit(learners)))
        specs = records.module_specs(get_content())
        stmt = records.completion_query(specs, Filters(), ids)
        sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        path = db.engine.url.database
        phases = []

        def timed(name, function):
            best = None
            for _ in range(2):  # the better of two: the first may warm caches
                t0 = time.process_time()
                rows = function()
                spent = time.process_time() - t0
                best = spent if best is None else min(best, spent)
            phases.append({"layers": name, "records": rows, "cpu_s": round(best, 2)})

        def bare():
            conn = sqlite3.connect(path)
            try:
                return sum(1 for _ in conn.execute(sql))
            finally:
                conn.close()

        # The export exactly as the command runs it (export.export_chunks), its
        # rows narrowed to the sample: completion_rows is wrapped to add the
        # learner ids and to remember how the command called it.
        original = records.completion_rows
        called = {}

        def narrowed_rows(*args, **kwargs):
            kwargs["user_ids"] = ids
            called.update(args=args, kwargs=kwargs)
            return original(*args, **kwargs)

        records.completion_rows = narrowed_rows

        def whole():
            n = 0
            for chunk in export.export_chunks("csv", Filters()):
                n += chunk.count("\n")
            return n - 1

        bare()  # the file into the page cache
        whole()
        timed("the SQL alone (sqlite3 module, same query)", bare)
        timed("SQL + rows as the command reads them (records.completion_rows)",
              lambda: sum(1 for _ in original(*called["args"], **called["kwargs"])))
        timed("SQL + rows + CSV (export.export_chunks): the export", whole)
        profiler = cProfile.Profile()
        profiler.enable()
        whole()
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(16)
        profile = "\n".join(line for line in stream.getvalue().splitlines()
            if line.strip() and "function calls" not in line)
        records.completion_rows = original
    return {"phases": phases, "profile": profile}


if __name__ == "__main__":
    print(json.dumps(breakdown(int(sys.argv[1]))))
