"""Execute notebooks top to bottom in a fresh kernel and save them with their outputs.

    python -m course execute notebooks/01_keras_convention.ipynb [...]    (make notebooks: every lesson)

This is how the committed notebooks are produced (``make notebooks``): execution counts run 1..N,
the kernelspec is python3, and no timing metadata is stored, so nbval can compare every output.
"""
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def execute(path):
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=1800, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nbformat.write(nb, path)
    print(f"{path}: executed in {time.perf_counter() - start:.0f} s")


def coalesce_streams(outputs):
    """Merge consecutive stdout (or stderr) outputs into one, as nbval does before comparing.

    How a print is split into stream messages depends on timing; merged, the stored notebook is the
    same from run to run.
    """
    merged = []
    for output in outputs:
        if (output.output_type == "stream" and merged and merged[-1].output_type == "stream"
                and merged[-1].name == output.name):
            merged[-1].text += output.text
        else:
            merged.append(output)
    return merged


def main(args):
    for name in args.notebooks:
        execute(name)
    return 0


def add_arguments(parser):
    parser.add_argument("notebooks", nargs="+", help="the notebooks to execute and save")
