"""Fixtures for the authoring tests: a copy of the shipped course to break."""
import shutil
from pathlib import Path

import pytest

from tests.authoring.helpers import SHIPPED


@pytest.fixture
def course_copy(tmp_path) -> Path:
    """A copy of the shipped course (content/) in a temporary folder."""
    root = tmp_path / "content"
    shutil.copytree(SHIPPED, root)
    return root
