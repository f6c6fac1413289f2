"""Browser fixtures: Debian's Chromium driven by Playwright, servers on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(
    url: str, process: subprocess.Popen, log: Path, timeout: float = 180
) -> None:
    """Wait until `url` answers, failing early with the server's output if it dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited with {process.returncode}:\n{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def serve(tmp_path_factory):
    """Start `symphony serve ARGS` on a free loopback port; yields a starter."""
    processes: list[subprocess.Popen] = []
    logs = tmp_path_factory.mktemp("server-logs")

    def start(*args: str, env: dict | None = None) -> str:
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "symphony.cli",
            "serve",
            *args,
            "--port",
            str(port),
            "--address",
            "127.0.0.1",
        ]
        log = logs / f"serve-{port}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
            )
        processes.append(process)
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, process, log)
        return url

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()
