"""Run a notebook's lesson code outside the notebook, so tests can compare it with helpers.

By the course's convention the first code cell of every notebook is its setup cell (imports and
``setup()``); lesson functions are defined in cells of their own (``def HappyModel(...)``).
"""
import json
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def lesson_namespace(notebook, *names):
    """Execute the setup cell and the cells that define ``names`` in ``notebook``; return the namespace.

    notebook -- file name inside notebooks/, e.g. "02_happy_model.ipynb"
    names    -- function names, e.g. "HappyModel"; each must be defined by a `def NAME(` in one cell
    Raises LookupError naming the notebook and the missing definition.
    """
    cells = [c for c in json.loads((NOTEBOOKS / notebook).read_text())["cells"] if c["cell_type"] == "code"]
    sources = ["".join(c["source"]) for c in cells]
    chosen = [sources[0]]
    for name in names:
        defining = [s for s in sources if f"def {name}(" in s]
        if not defining:
            raise LookupError(f"{notebook}: no code cell defines {name}()")
        chosen.append(defining[0])
    namespace = {"__name__": "lesson"}
    for source in chosen:
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        exec(compile(code, f"{notebook}", "exec"), namespace)
    return namespace
