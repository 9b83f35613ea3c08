"""The offline stand-in datasets, seen from outside: the committed previews and notebook 02's example photo.

    python -m course standins previews   # data/happy_grid.png and data/signs_grid.png, from the stand-ins
    python -m course standins photo      # notebooks/images/my_image.jpg, notebook 02's example "own photo"

The images themselves are drawn by helpers._standins, on the learner's machine.
"""
from course import ROOT

DATA = ROOT / "data"
PHOTO = ROOT / "notebooks" / "images" / "my_image.jpg"


def previews():
    import matplotlib

    matplotlib.use("Agg")
    from helpers import datasets, plots

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


def photo():
    from helpers._standins import draw_example_photo

    draw_example_photo(PHOTO)
    print(f"wrote {PHOTO} ({PHOTO.stat().st_size:,} bytes)")


def main(args):
    {"previews": previews, "photo": photo}[args.command]()
    return 0


def add_arguments(parser):
    parser.add_argument("command", choices=["previews", "photo"])
