"""Write notebooks/images/my_image.jpg, the example "own photo" of notebook 02 (helpers.images.draw_example_photo).

    .venv/bin/python scripts/make_example_image.py
"""
import os

from helpers.images import draw_example_photo

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "notebooks", "images", "my_image.jpg")


def main():
    draw_example_photo(OUT)
    print(f"wrote {OUT} ({os.path.getsize(OUT):,} bytes)")


if __name__ == "__main__":
    main()
