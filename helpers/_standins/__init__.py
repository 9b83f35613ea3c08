"""The offline stand-ins: drawn on this machine the first time a notebook needs them, then cached.

Private to ``helpers.datasets``, which calls ``prepare`` when the course's own files are not in the data folder.

- ``happy`` and ``signs`` draw the images: ``generate(n, seed) -> (X, y)``, the same arrays from the same seed on
  every machine with the same NumPy and Pillow (another version may draw other pixels);
- ``prepare`` writes them in the course's ``.h5`` format into ``<data folder>/generated/``, atomically, and draws
  them again when what draws them has changed since (the cache records a hash of it: ``generator_version``);
- ``STAND_IN_SHA256`` is what the renderers draw, as checksums of the arrays (``python -m helpers.doctor`` compares
  the cache with them);
- ``draw_example_photo`` draws notebook 02's example "own photo".
"""
import hashlib
import importlib
import inspect
import os
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

from helpers.i18n import _

GENERATED = "generated"

# SHA-256 of the stand-ins' contents (``content_sha256``: the arrays, not the HDF5 bytes), as the renderers draw
# them. A change to a renderer changes them, and tests/test_doctor.py says so (it reads the stand-ins that make's
# set-up has just drawn with the renderers of the checkout, or draws them).
STAND_IN_SHA256 = {
    ("happy", "train"): "f38adc9d364d3fa9336cbfb691d78cb5b1a43a369c4a9f221541b227e9995b3b",
    ("happy", "test"): "1b9d35f6267a7e73bf9503f90f5f1fd3102e6905e1376f70c944d5fb65518e67",
    ("signs", "train"): "06761c3294edeb9449d9139553828c6aefd405e7c06976ad90ed88038227f054",
    ("signs", "test"): "7c51c0070a9da13719d8812c4f89e94fad98d255f3a8bd97dee14d9a0876ab11",
}


def renderer(spec):
    """The module that draws ``spec``'s images: helpers._standins.happy or helpers._standins.signs."""
    return importlib.import_module(f"{__name__}.{spec.name}")


def generated_files(spec, data_dir):
    """Paths of the cached stand-ins: <data>/generated/train_<name>.h5, <data>/generated/test_<name>.h5."""
    folder = Path(data_dir) / GENERATED
    return folder / f"train_{spec.name}.h5", folder / f"test_{spec.name}.h5"


def content_sha256(path, split):
    """SHA-256 of one split's arrays (name, dtype, shape and bytes of the images, the labels and the classes)."""
    digest = hashlib.sha256()
    with h5py.File(path, "r") as f:
        for key in (f"{split}_set_x", f"{split}_set_y", "list_classes"):
            array = np.ascontiguousarray(f[key][()])
            for part in (key, str(array.dtype), str(array.shape)):
                digest.update(part.encode())
            digest.update(array.tobytes())
    return digest.hexdigest()


def recorded(path):
    """(``content_sha256``, the NumPy and Pillow that drew it) as ``write_split`` recorded them in the file when it
    drew it; (None, None) for a file without them."""
    try:
        with h5py.File(path, "r") as f:
            return f.attrs.get("content_sha256"), f.attrs.get("drawn_with")
    except OSError:
        return None, None


def generator_version(spec):
    """A short hash of what the stand-ins are drawn from: the renderer's source, the spec's sizes, seeds and classes,
    the NumPy and Pillow that draw them, and what ``write_split`` records (the marker string). A cache drawn from
    anything else is regenerated."""
    import PIL

    drawn_from = [inspect.getsource(renderer(spec)), spec.n_train, spec.n_test, spec.train_seed, spec.test_seed,
                  spec.classes, np.__version__, PIL.__version__, "records content_sha256 and drawn_with"]
    return hashlib.sha256(repr(drawn_from).encode()).hexdigest()[:16]


def is_current(path, version):
    """True if ``path`` is a cache file written with this ``version`` (generator_version)."""
    try:
        with h5py.File(path, "r") as f:
            return f.attrs.get("generator_version") == version
    except OSError:
        return False


def current_files(spec, data_dir):
    """The two cached stand-in files of ``spec`` in ``data_dir`` if both carry this generator_version, else None."""
    paths = generated_files(spec, data_dir)
    version = generator_version(spec)
    return paths if all(path.exists() and is_current(path, version) for path in paths) else None


def prepare(spec, data_dir, verbose=False):
    """Make sure the generated stand-ins of ``spec`` exist and are current; return their two paths.

    Files drawn otherwise (an older renderer, other seeds) are regenerated. Files are written atomically (a
    temporary file in the same folder, then a rename), so a second kernel never reads half a file.
    """
    current = current_files(spec, data_dir)
    if current:
        return current
    train_path, test_path = generated_files(spec, data_dir)
    version = generator_version(spec)
    train_path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for path, split, n, seed in ((train_path, "train", spec.n_train, spec.train_seed),
                                 (test_path, "test", spec.n_test, spec.test_seed)):
        X, y = renderer(spec).generate(n, seed)
        write_split(path, split, X, y, np.array(spec.classes, dtype=np.int64),
                    {"generator": renderer(spec).__name__, "generator_version": version, "seed": seed})
    if verbose:
        print(_("{title}: generated {n_train} + {n_test} images in {seconds:.1f} s -> {folder}").format(
            title=spec.title, n_train=spec.n_train, n_test=spec.n_test, seconds=time.perf_counter() - start,
            folder=train_path.parent))
    return train_path, test_path


def write_split(path, split, X, y, classes, attrs):
    """Write one split in the course's format, atomically (temporary file, then rename)."""
    import PIL

    path = Path(path)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        with h5py.File(tmp_name, "w", track_order=False) as f:
            f.create_dataset(f"{split}_set_x", data=np.asarray(X, dtype=np.uint8), track_times=False)
            f.create_dataset(f"{split}_set_y", data=np.asarray(y, dtype=np.int64), track_times=False)
            f.create_dataset("list_classes", data=classes, track_times=False)
            for key, value in attrs.items():
                f.attrs[key] = value
        with h5py.File(tmp_name, "r+") as f:  # what was drawn, and with what, for the doctor
            f.attrs["content_sha256"] = content_sha256(tmp_name, split)
            f.attrs["drawn_with"] = f"NumPy {np.__version__}, Pillow {PIL.__version__}"
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600 files; others may share the cache
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
        raise


EXAMPLE_SEED = 2026


def draw_example_photo(path):
    """Write notebook 02's example "own photo" (``images/my_image.jpg`` in the lessons) to ``path``.

    A learner's photo is usually larger than 64x64 and saved as JPEG, so the example is too: one smiling selfie
    drawn like the Happy House stand-ins (``happy.photograph``, seed 2026, not part of the datasets) at its drawing
    size, enlarged to 256x256 instead of being shrunk to 64x64, saved as a JPEG of quality 90. The same seed gives
    the same file. Returns the Path written.
    """
    from PIL import Image

    from helpers._standins import happy

    rng = np.random.default_rng(EXAMPLE_SEED)
    photo = happy.photograph(rng, smiling=True).resize((256, 256), Image.LANCZOS)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    photo.save(path, quality=90)
    return path
