"""Your own photo as a model input: any PNG or JPEG file -> a (1, 64, 64, 3) array in [0, 1]."""
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from helpers.i18n import N_, _

EXPECTED = N_("a PNG or JPEG photo (any size; colour, greyscale or with transparency)")  # shown with _(EXPECTED)


def load_own_image(path, size=(64, 64), crop=True):
    """Read an image file as a float32 batch of one image (1, n_H, n_W, 3) in [0, 1]: EXIF orientation applied,
    transparent parts white; crop=True cuts the centred part of ``size``'s shape (False stretches the photo)."""
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(n, (int, np.integer)) and n > 0 for n in size)):
        raise ValueError(_("size must be (n_H, n_W), two positive ints such as (64, 64); got {size!r}.").format(
            size=size))
    n_H, n_W = (int(n) for n in size)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(_("{path}: no such file. Expected {expected}. Check the file name and its folder: a "
                                  "relative path starts in the notebook's folder (for example images/my_image.jpg).")
                                .format(path=path, expected=_(EXPECTED)))
    if path.is_dir():
        raise ValueError(_("{path}: is a folder, not an image file. Expected {expected}.").format(
            path=path, expected=_(EXPECTED)))
    try:
        with Image.open(path) as opened:
            opened.load()  # Pillow reads lazily: decode now, so a truncated file fails here
            image = _to_rgb(ImageOps.exif_transpose(opened))
    except UnidentifiedImageError:
        raise ValueError(_("{path}: is not an image file Pillow can read. Expected {expected}. If it is a photo in "
                           "another format (HEIC, RAW, ...), export it as JPEG or PNG first.").format(
                               path=path, expected=_(EXPECTED))) from None
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or damaged image data
        raise ValueError(_("{path}: the image could not be decoded ({error}); the file may be truncated or damaged. "
                           "Check that it opens in an image viewer, or save it again as PNG or JPEG.").format(
                               path=path, error=exc)) from None
    if crop:
        image = ImageOps.fit(image, (n_W, n_H), method=Image.LANCZOS, centering=(0.5, 0.5))
    else:
        image = image.resize((n_W, n_H), Image.LANCZOS)
    return (np.asarray(image, dtype=np.float32) / 255.0)[np.newaxis]


def _to_rgb(image):
    """Any Pillow image -> an RGB image (8 bits per channel); transparent pixels become white."""
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):  # 16- or 32-bit greyscale
        values = np.asarray(image, dtype=np.float64)
        scale = 65535.0 if values.max() > 255 else 255.0
        image = Image.fromarray(np.clip(values / scale * 255.0, 0, 255).round().astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")

