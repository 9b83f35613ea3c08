"""Draw the committed previews data/happy_grid.png and data/signs_grid.png from the stand-ins.

    python scripts/make_data_previews.py
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from helpers import datasets, plots  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data"

X, Y, _, _, classes = datasets.load_happy_dataset()
fig = plots.show_images_by_class(X, Y, classes, per_class=8, size=0.9,
                                 class_names={0: "0: not\nsmiling", 1: "1: smiling"},
                                 title="Happy House stand-ins (training set)")
fig.savefig(DATA / "happy_grid.png", dpi=110)
X, Y, _, _, classes = datasets.load_signs_dataset()
fig = plots.show_images_by_class(X, Y, classes, per_class=8, size=0.9,
                                 class_names={c: f"{c} finger{'s' if c != 1 else ''}" for c in classes},
                                 title="SIGNS stand-ins (training set)")
fig.savefig(DATA / "signs_grid.png", dpi=90)
print("wrote", DATA / "happy_grid.png", DATA / "signs_grid.png")
