"""The course's two datasets, Happy House and SIGNS, as the course's ``load_dataset()`` returns them: the
course's files if you put them in the data folder, else offline stand-ins drawn once (``python -m helpers.datasets``).
"""
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from helpers import _standins
from helpers.i18n import N_, _, translations

DATA_ENV = "CONVNETS_COURSE_DATA"  # set it to a folder to keep the course's data there


def is_checkout(root):
    """True if ``root`` is a checkout of the course (pyproject.toml and notebooks/), not an installed package."""
    root = Path(root)
    return (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir()


def default_data_dir(environ=None, package_dir=None):
    """CONVNETS_COURSE_DATA when set; else a checkout's data/ folder; else $KERAS_HOME/datasets/convnets-course."""
    environ = os.environ if environ is None else environ
    if environ.get(DATA_ENV):
        return Path(environ[DATA_ENV]).expanduser()
    checkout = Path(package_dir or Path(__file__).resolve().parent).parent
    if is_checkout(checkout):
        return checkout / "data"
    keras_home = Path(environ.get("KERAS_HOME") or Path("~/.keras")).expanduser()
    return keras_home / "datasets" / "convnets-course"


DATA_DIR = default_data_dir()
IMAGE_SHAPE = (64, 64, 3)


class DatasetError(RuntimeError):
    """A dataset file is missing, unreadable or not in the course's format."""


@dataclass(frozen=True)
class Spec:
    """How one dataset is named, sized and generated."""

    name: str          # the files are train_<name>.h5 and test_<name>.h5
    title: str
    n_train: int
    n_test: int
    classes: tuple
    train_seed: int
    test_seed: int
    labels: tuple      # what a picture of each class shows, short, for a figure (English; shown with _())

    def class_names(self, lang=None):
        """{class: what a picture of it shows}, in ``lang`` (default: the edition's language): a figure's row titles."""
        message = _ if lang is None else translations(lang).gettext
        return {label: message(text) for label, text in zip(self.classes, self.labels)}


HAPPY = Spec("happy", "Happy House", 600, 150, (0, 1), 101, 102, (N_("0: not\nsmiling"), N_("1: smiling")))
SIGNS = Spec("signs", "SIGNS", 1080, 120, (0, 1, 2, 3, 4, 5), 201, 202,
             (N_("0: an O\n(ring)"), N_("1: index"), N_("2: index +\nmiddle (V)"), N_("3: thumb +\nindex + middle"),
              N_("4: four\nfingers"), N_("5: open\nhand")))
SPECS = {spec.name: spec for spec in (HAPPY, SIGNS)}


def load_happy_dataset(data_dir=None, verbose=True):
    """Load Happy House: 600 train / 150 test selfies, label 1 = smiling, 0 = not smiling."""
    return load_dataset(HAPPY, data_dir, verbose)


def load_signs_dataset(data_dir=None, verbose=True):
    """Load SIGNS: 1080 train / 120 test photos of hand signs, label = the number the sign shows (0-5)."""
    return load_dataset(SIGNS, data_dir, verbose)


def load_dataset(spec, data_dir=None, verbose=True):
    """Load one dataset described by ``spec``: X_train_orig (m, 64, 64, 3) uint8, Y_train_orig (1, m)
    int64, X_test_orig, Y_test_orig, classes (n_classes,) int64."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    train_path, test_path = course_files(spec, data_dir)
    if train_path.exists() or test_path.exists():
        for path, partner in ((train_path, test_path), (test_path, train_path)):
            if not partner.exists():
                raise DatasetError(_("{path} is here but {partner} is missing. Put both course files in {data_dir}/, "
                                     "or move {name} away to use the generated stand-ins.").format(
                                         path=path, partner=partner, data_dir=data_dir, name=path.name))
        owner = "course"
    else:
        train_path, test_path = _standins.prepare(spec, data_dir)
        owner = "generated"
    X_train, Y_train, classes_train = read_split(train_path, "train", spec, owner)
    X_test, Y_test, classes = read_split(test_path, "test", spec, owner)
    if classes is None:
        classes = classes_train
    if verbose:
        if owner == "course":
            message = _("{title}: the course's files: {train}, {test}")
        else:
            message = _("{title}: generated stand-ins: {train}, {test}")
        print(message.format(title=spec.title, train=shown(train_path, data_dir), test=shown(test_path, data_dir)))
    return X_train, Y_train.reshape(1, -1), X_test, Y_test.reshape(1, -1), classes


def shown(path, data_dir):
    """``path`` as the learner sees it, starting at the data folder (no machine-specific prefix)."""
    return str(Path(data_dir.name) / path.relative_to(data_dir))


def course_files(spec, data_dir):
    """Paths where a learner puts the real course files: data/train_<name>.h5, data/test_<name>.h5."""
    return data_dir / f"train_{spec.name}.h5", data_dir / f"test_{spec.name}.h5"


def fix_for(owner, path):
    """The sentence that tells a learner how to repair a bad file."""
    if owner == "course":
        return _("Replace {name} with a fresh copy of the course file, or move both course files out of {folder}/ to "
                 "use the generated stand-ins.").format(name=path.name, folder=path.parent)
    return _("Delete {path} and run again: it will be generated anew.").format(path=path)


def read_split(path, split, spec, owner):
    """Read and validate one course-format file: X, y (m,) int64, classes or None; else DatasetError."""
    x_key, y_key = f"{split}_set_x", f"{split}_set_y"
    try:
        with h5py.File(path, "r") as f:
            missing = [key for key in (x_key, y_key) if key not in f]
            if split == "test" and "list_classes" not in f:
                missing.append("list_classes")
            if missing:
                if split == "test":
                    message = _("{path}: missing key(s) {missing}; found {found}. A course test file holds {x_key!r}, "
                                "{y_key!r}, 'list_classes'.")
                else:
                    message = _("{path}: missing key(s) {missing}; found {found}. A course {split} file holds "
                                "{x_key!r}, {y_key!r}.")
                raise DatasetError(message.format(path=path, missing=missing, found=sorted(f.keys()), split=split,
                                                  x_key=x_key, y_key=y_key) + " " + fix_for(owner, path))
            X = f[x_key][()]
            y = f[y_key][()]
            classes = f["list_classes"][()] if "list_classes" in f else None
    except DatasetError:
        raise
    except (OSError, KeyError, ValueError) as exc:
        message = _("{path}: not a readable HDF5 file ({error}: {detail}); it may be truncated or corrupt.").format(
            path=path, error=exc.__class__.__name__, detail=exc)
        raise DatasetError(message + " " + fix_for(owner, path)) from None

    problems = []  # clauses of one sentence: "<path>: <problem>; <problem>. <fix>"
    if X.ndim != 4 or X.shape[1:] != IMAGE_SHAPE:
        problems.append(_("{key} has shape {shape}, expected (m, 64, 64, 3)").format(key=x_key, shape=X.shape))
    if X.dtype != np.uint8:
        problems.append(_("{key} has dtype {dtype}, expected uint8 (pixel values 0-255)").format(key=x_key,
                                                                                                 dtype=X.dtype))
    if y.ndim == 2 and y.shape[0] == 1:
        y = y[0]
    if y.ndim != 1:
        problems.append(_("{key} has shape {shape}, expected (m,)").format(key=y_key, shape=y.shape))
    elif X.ndim == 4 and len(y) != len(X):
        problems.append(_("{key} has {labels} labels for {images} images").format(key=y_key, labels=len(y),
                                                                                  images=len(X)))
    if not np.issubdtype(y.dtype, np.integer):
        problems.append(_("{key} has dtype {dtype}, expected int64 labels").format(key=y_key, dtype=y.dtype))
    if classes is not None and (classes.ndim != 1 or not np.issubdtype(classes.dtype, np.integer)):
        problems.append(_("list_classes has shape {shape} and dtype {dtype}, expected int64 (n,)").format(
            shape=classes.shape, dtype=classes.dtype))
    if not problems:
        known = classes if classes is not None else np.array(spec.classes)
        unknown = sorted(set(np.unique(y).tolist()) - set(known.tolist()))
        if unknown:
            problems.append(_("{key} holds labels {unknown} that are not in the classes {classes}").format(
                key=y_key, unknown=unknown, classes=known.tolist()))
    if problems:
        raise DatasetError(f"{path}: " + "; ".join(problems) + ". " + fix_for(owner, path))
    classes = classes.astype(np.int64) if classes is not None else None
    return X, y.astype(np.int64), classes


def main(argv=None):
    """``python -m helpers.datasets [DATA_DIR]``: prepare every stand-in cache that is needed."""
    argv = sys.argv[1:] if argv is None else argv
    data_dir = Path(argv[0]) if argv else DATA_DIR
    for spec in SPECS.values():
        train_path, test_path = course_files(spec, data_dir)
        if train_path.exists() and test_path.exists():
            print(_("{title}: using the course's files in {data_dir}/").format(title=spec.title, data_dir=data_dir))
            continue
        _standins.prepare(spec, data_dir, verbose=True)
        print(_("{title}: stand-ins ready in {folder}/").format(
            title=spec.title, folder=shown(_standins.generated_files(spec, data_dir)[0].parent, data_dir)))


def convert_to_one_hot(Y, C):
    """The course's one-hot encoding: labels Y of shape (1, m) or (m,) -> (C, m); Keras wants its transpose."""
    y = np.ravel(Y).astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= C):
        raise ValueError(_("labels must lie in 0..{last} for C={C}; found {low}..{high}").format(
            last=C - 1, C=C, low=y.min(), high=y.max()))
    return np.eye(C, dtype=np.float32)[y].T


if __name__ == "__main__":
    main()
