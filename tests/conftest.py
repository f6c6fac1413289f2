"""Shared fixtures: small hand-made tables whose answers are known."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright; one for the whole run,
    since two synchronous Playwright instances cannot share a thread."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def example_cache(tmp_path_factory) -> Path:
    """The digits example's cache folder, shared by every test of the session.

    Honours SYMPHONY_CACHE when set; otherwise a fresh folder, so the example is
    built once per run exactly as a new user's first run builds it.
    """
    if os.environ.get("SYMPHONY_CACHE"):
        yield Path(os.environ["SYMPHONY_CACHE"])
        return
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SYMPHONY_CACHE", str(folder))
        yield folder


@pytest.fixture
def animals() -> pd.DataFrame:
    """Eight instances with labels, predictions, a confidence and a projection."""
    return pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(1, 9)],
            "label": ["cat", "cat", "dog", "dog", "cat", "dog", "bird", "bird"],
            "prediction": ["cat", "dog", "dog", "cat", "cat", "dog", "bird", "cat"],
            "confidence": [0.9, 0.55, 0.8, 0.4, 0.95, 0.7, 0.6, 0.3],
            "split": ["train", "test", "train", "test", "train", "train", "test", "test"],
            "projection_tsne_x": [0.0, 1.0, float("nan"), 2.0, 3.0, float("nan"), 1.0, 2.0],
            "projection_tsne_y": [0.0, 1.0, 1.0, float("nan"), 3.0, 0.5, 2.0, 2.0],
        }
    )
