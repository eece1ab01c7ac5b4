"""Folders under test-results/ that hold one run's output, shared by the processes of that run.

A run is one `pytest` (its pytest-xdist workers included: they share xdist's
id of the run), or the steps `make test` runs under one AULA_TEST_RUN (the
browser tests on two workers, then the test marked `last`, which checks the
pages all of them visited). The first process of a run that asks for a folder
empties it; the others add to it.
"""
import fcntl
import os
import shutil
import uuid
from pathlib import Path

_THIS_PROCESS = uuid.uuid4().hex


def run_id() -> str:
    return os.environ.get("AULA_TEST_RUN") or os.environ.get("PYTEST_XDIST_TESTRUNUID") or _THIS_PROCESS


def worker() -> str:
    """This process's name in the run: the xdist worker (gw0, gw1...), or `main`."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def fresh_for_this_run(folder: Path) -> Path:
    """`folder`, emptied if it holds another run's output (under a lock: workers start together)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        marker = folder / ".run"
        if not (marker.is_file() and marker.read_text() == run_id()):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            marker.write_text(run_id())
    return folder
