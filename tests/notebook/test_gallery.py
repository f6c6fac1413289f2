"""The gallery notebook, executed top to bottom on a real Jupyter kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

GALLERY = Path(__file__).resolve().parents[2] / "gallery" / "digits.ipynb"

pytestmark = pytest.mark.timeout(600)


def _text(output) -> str:
    if output.output_type == "stream":
        return output.text
    return output.get("data", {}).get("text/plain", "")


def test_gallery_notebook_runs_and_follows_python_changes(tmp_path, example_cache):
    notebook = nbformat.read(GALLERY, as_version=4)
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            'app.selection.filter = "label == 3 and prediction == 8"\n'
            "sorted(app.selection.rows()['id'])[:3], len(app.selection.rows()), "
            "int(app.components[0].counts()['filtered'])"
        )
    )
    client = NotebookClient(  # the kernel inherits SYMPHONY_CACHE from example_cache
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()

    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors == []

    # the dashboard cell carries Panel's rendered bundle
    dashboard = notebook.cells[2].outputs
    mimetypes = {key for output in dashboard for key in output.get("data", {})}
    assert "application/vnd.holoviews_exec.v0+json" in mimetypes
    html = "".join(o["data"].get("text/html", "") for o in dashboard if "data" in o)
    assert "data-root-id" in html

    # a cell that sets the filter sees rows() change accordingly
    import pandas as pd

    table = pd.read_parquet(example_cache / "digits-v1" / "digits.parquet")
    errors_only = table[table.label != table.prediction]
    assert _text(notebook.cells[4].outputs[-1]) == str(len(errors_only))
    three_as_eight = table[(table.label == 3) & (table.prediction == 8)]
    expected = (sorted(three_as_eight.id)[:3], len(three_as_eight), len(three_as_eight))
    assert _text(notebook.cells[-1].outputs[-1]) == repr(expected)
