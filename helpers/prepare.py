"""``python -m helpers.prepare``: the datasets and notebook 02's example photo (images/my_image.jpg), each
made only when it is missing, for a notebook opened on its own (Colab, a JupyterHub home folder)."""
import sys
from pathlib import Path

from helpers import datasets
from helpers._standins import draw_example_photo
from helpers.i18n import _

EXAMPLE_PHOTO = Path("images") / "my_image.jpg"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else Path.cwd()
    datasets.main([])
    photo = folder / EXAMPLE_PHOTO
    if photo.exists():
        print(_("example photo: {path} is there").format(path=photo))
    else:
        draw_example_photo(photo)
        print(_("example photo: drew {path}").format(path=photo))


if __name__ == "__main__":
    main()
