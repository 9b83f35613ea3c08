"""Write notebooks/images/my_image.jpg, the example "own photo" of notebook 02.

A learner's photo is usually larger than 64x64 and saved as JPEG, so the example is too: one smiling
selfie drawn by helpers.render_happy (seed 2026, not part of the datasets), kept at 256x256 instead of
being shrunk to 64x64, and saved as a JPEG of quality 90. The notebook's load_own_image then has to
do what it does for a real photo: decode, crop to a square and shrink.

    .venv/bin/python scripts/make_example_image.py
"""
import os

import numpy as np
from PIL import Image

from helpers import render_happy

SEED = 2026
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "notebooks", "images", "my_image.jpg")


def main():
    rng = np.random.default_rng(SEED)
    background = render_happy._draw_background(rng)
    person = render_happy._draw_person(rng, smiling=True)
    photo = render_happy._light(rng, background, person).resize((256, 256), Image.LANCZOS)
    photo.save(OUT, quality=90)
    print(f"wrote {OUT} ({os.path.getsize(OUT):,} bytes)")


if __name__ == "__main__":
    main()
