from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import browser  # noqa: F401 (one session-wide browser for every test file)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
