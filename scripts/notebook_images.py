"""Extract the images a notebook shows into a folder, to look at them outside Jupyter.

    python scripts/notebook_images.py notebooks/02_happy_model.ipynb /tmp/nb02
"""
import base64
import json
import sys
from pathlib import Path


def extract(notebook, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cells = json.loads(Path(notebook).read_text())["cells"]
    written = []
    for index, cell in enumerate(cells):
        for number, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {}).get("image/png")
            if data:
                path = folder / f"cell{index:02d}_{number}.png"
                path.write_bytes(base64.b64decode(data))
                written.append(path)
    return written


if __name__ == "__main__":
    for path in extract(sys.argv[1], sys.argv[2]):
        print(path)
