"""A real JupyterLab on loopback, isolated from the user's Jupyter setup.

The server runs from this virtualenv with its own config, data, runtime and
settings folders under a temporary directory, so nothing the user configured is
read and nothing is written outside it. Its only kernel spec, `python3`, names
this interpreter by its absolute path. Nothing it does needs the network: news,
update checks and the extension manager's index are turned off, and the browser
gets the Bokeh and Panel files that a notebook asks of their CDN from the
installed packages.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..ui.conftest import free_port, wait_for_http

GALLERY = Path(__file__).resolve().parents[2] / "gallery"

# plugins that would put a toast or a dialog over the notebook
_DISABLED_PLUGINS = {"@jupyterlab/apputils-extension:announcements": True}


@dataclass
class JupyterLab:
    """A running JupyterLab: where to reach it and where it keeps its files."""

    url: str
    token: str
    root: Path
    cache: Path
    log: Path

    def notebook_url(self, name: str) -> str:
        return f"{self.url}lab/tree/{name}?token={self.token}"

    def api(self, path: str, method: str = "GET") -> object:
        """Call the server's REST API; the decoded JSON answer, or None when empty."""
        request = urllib.request.Request(
            f"{self.url}api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None


def _isolated_env(home: Path, cache: Path) -> dict[str, str]:
    """Environment for the server and its kernels: every Jupyter folder under `home`."""
    kernel = home / "data" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (symphony venv)",
        "language": "python",
    }
    (kernel / "kernel.json").write_text(json.dumps(spec))
    labconfig = home / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": _DISABLED_PLUGINS})
    )
    return {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_PATH": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "SYMPHONY_CACHE": str(cache),
    }


def _command(port: int, token: str, root: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        "--KernelSpecManager.ensure_native_kernel=False",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]


def _stop(lab: JupyterLab, process: subprocess.Popen) -> None:
    """Shut the kernels down, then the server; kill the server if it lingers."""
    if process.poll() is None:
        try:
            for kernel in lab.api("kernels"):
                lab.api(f"kernels/{kernel['id']}", method="DELETE")
            lab.api("shutdown", method="POST")
            process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory, example_cache):
    """A JupyterLab server whose root holds a copy of gallery/digits.ipynb."""
    home = tmp_path_factory.mktemp("jupyter-home")
    root = tmp_path_factory.mktemp("jupyter-root")
    shutil.copy(GALLERY / "digits.ipynb", root / "digits.ipynb")
    port, token = free_port(), secrets.token_hex(24)
    log = home / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            _command(port, token, root),
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=root,
            env=_isolated_env(home, example_cache),
        )
    lab = JupyterLab(
        url=f"http://127.0.0.1:{port}/",
        token=token,
        root=root,
        cache=example_cache,
        log=log,
    )
    try:
        wait_for_http(f"{lab.url}api", process, log, timeout=120)
        yield lab
    finally:
        _stop(lab, process)


def _serve_cdn_locally(context) -> list[str]:
    """Answer the browser's requests for Bokeh's and Panel's CDN from the installed
    packages, and refuse every other request that leaves the loopback address.

    In a notebook Panel loads BokehJS and its own bundles from the CDN, which this
    machine cannot reach; the files are the same ones the packages ship. Returns
    the list that collects the refused addresses.
    """
    import bokeh
    import panel
    from panel.io.resources import CDN_DIST

    bokeh_js = Path(bokeh.__file__).parent / "server" / "static" / "js"
    panel_dist = Path(panel.__file__).parent / "dist"
    bokeh_url = re.compile(
        rf"^https://cdn\.bokeh\.org/bokeh/release/([a-z-]+)-{re.escape(bokeh.__version__)}"
        r"\.min\.js$"
    )
    refused: list[str] = []

    def local_file(url: str) -> Path | None:
        address = url.split("?")[0]
        if match := bokeh_url.match(address):
            path = bokeh_js / f"{match[1]}.min.js"
        elif address.startswith(CDN_DIST):
            path = panel_dist / urllib.parse.unquote(address[len(CDN_DIST) :])
        else:
            return None
        path = path.resolve()
        inside = path.is_relative_to(bokeh_js) or path.is_relative_to(panel_dist)
        return path if inside and path.is_file() else None

    def answer(route) -> None:
        path = local_file(route.request.url)
        if path is None:
            refused.append(route.request.url)
            route.abort()
        else:
            route.fulfill(path=path)

    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), answer)
    return refused


@pytest.fixture
def lab_browser(browser):
    """The run's Chromium (see tests/conftest.py), for the JupyterLab tests."""
    return browser


@pytest.fixture
def lab_page(lab_browser):
    """A page for JupyterLab that collects page errors, console errors and requests
    it refused to send off this machine."""
    context = lab_browser.new_context(viewport={"width": 1400, "height": 1000})
    refused = _serve_cdn_locally(context)
    page = context.new_page()
    page.errors, page.console_errors, page.refused = [], [], refused
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    yield page
    context.close()
