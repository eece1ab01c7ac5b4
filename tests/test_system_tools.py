"""scripts/need.sh and the Makefile: a missing system tool stops make with one line naming its package."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from course.config import PROJECT_ROOT

NEED = str(PROJECT_ROOT / "scripts" / "need.sh")


def as_a_user(command: list[str]) -> list[str]:
    """Run as an ordinary user (root would install the package with apt-get)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "nobody", "--", *command]
    return command


@pytest.fixture
def bare_path():
    """A PATH with only the basic tools make and the script use (no chromium, no wrk, no sqlite3).

    (Not under pytest's tmp_path: that folder is private to root, and the script runs as nobody.)
    """
    folder = Path(tempfile.mkdtemp(prefix="aula-bare-path-"))
    folder.chmod(0o755)
    for tool in ("make", "sh", "id", "env", "python3"):
        (folder / tool).symlink_to(shutil.which(tool))
    yield str(folder)
    shutil.rmtree(folder)


def test_present_tools_print_nothing():
    result = subprocess.run([NEED, "sh:dash", "/bin/s*:dash", "py.json:python3"], capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_missing_tools_give_one_line_naming_each_package_once(bare_path):
    result = subprocess.run(as_a_user(["env", f"PATH={bare_path}", NEED, "chromium:chromium", "sh:dash",
                                       "/nonexistent/*/bin/initdb:postgresql", "pg_ctl:postgresql",
                                       "py.no_such_module:python3-nothing"]),
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout == ("missing system package(s): chromium postgresql python3-nothing; install with: "
                             "sudo apt-get install chromium postgresql python3-nothing "
                             "(or run make as root, which installs them)\n")


def test_make_test_stops_at_once_with_one_line_when_its_system_tools_are_missing(bare_path):
    result = subprocess.run(as_a_user(["env", f"PATH={bare_path}", "make", "--no-print-directory", "test"]),
                            capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    packages = "chromium poppler-utils default-jre-headless nodejs npm spamassassin"
    assert f"missing system package(s): {packages}; install with: sudo apt-get install {packages}" in lines[0]


def test_make_runs_the_tests_with_their_temporary_files_where_test_tmpdir_says():
    # Not the settings of a make that runs these tests (make passes its command line on in MAKEFLAGS).
    env = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}

    def pytest_line(*variables):
        result = subprocess.run(["make", "-n", "--no-print-directory", "test-quick", *variables],
                                capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, check=True)
        return result.stdout.splitlines()[-1]

    assert pytest_line("TEST_TMPDIR=/srv/scratch") == 'TMPDIR=/srv/scratch .venv/bin/pytest -m "not e2e" -n 2'
    assert pytest_line("TEST_TMPDIR=") == '.venv/bin/pytest -m "not e2e" -n 2'
    room = Path("/dev/shm").is_dir() and shutil.disk_usage("/dev/shm").free >= 2**30
    assert pytest_line() == ("TMPDIR=/dev/shm " if room else "") + '.venv/bin/pytest -m "not e2e" -n 2'
