"""Markers for tests that need a program a user's machine may lack.

Off CI such a test skips with the command that installs what is missing;
in CI (``CI=true``), where ``.ci/run`` installs everything, it runs and
fails instead, so CI never skips what it can run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI") == "true"
INSTALL = "install it with scripts/install-system-deps.sh"


def tools(*names: str) -> pytest.MarkDecorator:
    """Skip off CI when any of the programs ``names`` is not on the PATH."""
    missing = [n for n in names if shutil.which(n) is None]
    return pytest.mark.skipif(bool(missing) and not IN_CI, reason=f"{', '.join(missing)} not installed: {INSTALL}")


def shared_data(path: Path, what: str) -> pytest.MarkDecorator:
    """Skip off CI when the shared real data ``path`` is not beside the checkout (CI has it: the test runs)."""
    return pytest.mark.skipif(not path.exists() and not IN_CI, reason=f"{what} missing: {path}")


def skip_or_fail(reason: str) -> None:
    """Skip off CI (a user's machine may lack a font or a program); fail in CI."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)
