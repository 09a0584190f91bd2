"""Strip outputs and execution counts from the notebooks, so git holds only their source.

    python scripts/strip_notebooks.py    # `make strip-notebooks`: rewrite notebooks/*.ipynb

tests/notebooks/test_notebook.py fails while a committed notebook holds outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def strip(path: Path) -> bool:
    """Strip ``path`` in place; whether it held anything to strip."""
    notebook = nbformat.read(path, as_version=4)
    changed = False
    for cell in notebook.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            cell.outputs, cell.execution_count, changed = [], None, True
    if changed:
        nbformat.write(notebook, path)
    return changed


if __name__ == "__main__":
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        if strip(path):
            print(f"stripped {path.name}")
