from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import browser  # noqa: F401 (one session-wide browser for every test file)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


#: Doctests in geo/ that take more than ~3 s (a doctest cannot carry a mark itself).
SLOW_DOCTESTS = {"geo.agreement.corridor"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, pytest.DoctestItem) and item.name in SLOW_DOCTESTS:
            item.add_marker(pytest.mark.slow)
