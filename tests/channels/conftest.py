"""Channel tests (Slack connector, socket.io channel, website widget): import path and marker."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for path in (str(HERE.parents[1]), str(HERE)):  # the project (connectors, tests.support) and helpers
    if path not in sys.path:
        sys.path.insert(0, path)


def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml; repeated here so this folder runs on its own.
    config.addinivalue_line("markers", "e2e: needs a trained model and starts the real servers")
