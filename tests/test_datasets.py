"""Both data sources, determinism, atomic writes and every error path of helpers.datasets."""
import dataclasses
import errno
import gc
import multiprocessing
import os
import pickle
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest

from course.standins import clipped_white, neighbour_difference
from helpers import _standins, datasets
from helpers._standins import happy as render_happy, signs as render_signs
from helpers.datasets import HAPPY, SIGNS, DatasetError, load_dataset

# Small versions of the real specs: same renderers and format, a few images only.
SMALL_HAPPY = dataclasses.replace(HAPPY, n_train=8, n_test=4)
SMALL_SIGNS = dataclasses.replace(SIGNS, n_train=12, n_test=6)


def write_course_files(folder, name="signs", m_train=6, m_test=4, n_classes=6, **overrides):
    """Write train_<name>.h5 / test_<name>.h5 in the course's format; overrides replace datasets."""
    rng = np.random.default_rng(0)
    content = {
        "train": {"train_set_x": rng.integers(0, 256, (m_train, 64, 64, 3), dtype=np.uint8),
                  "train_set_y": rng.integers(0, n_classes, m_train).astype(np.int64),
                  "list_classes": np.arange(n_classes, dtype=np.int64)},
        "test": {"test_set_x": rng.integers(0, 256, (m_test, 64, 64, 3), dtype=np.uint8),
                 "test_set_y": rng.integers(0, n_classes, m_test).astype(np.int64),
                 "list_classes": np.arange(n_classes, dtype=np.int64)},
    }
    for split, keys in content.items():
        keys.update(overrides.get(split, {}))
        with h5py.File(folder / f"{split}_{name}.h5", "w") as f:
            for key, value in keys.items():
                if value is not None:
                    f.create_dataset(key, data=value)
    return content


# --- the two sources -------------------------------------------------------------------------

def test_course_files_are_used_when_present(tmp_path, capsys):
    content = write_course_files(tmp_path)
    X_train, Y_train, X_test, Y_test, classes = load_dataset(SIGNS, tmp_path)
    assert np.array_equal(X_train, content["train"]["train_set_x"])
    assert Y_train.shape == (1, 6) and Y_train.dtype == np.int64
    assert np.array_equal(Y_test[0], content["test"]["test_set_y"])
    assert X_test.shape == (4, 64, 64, 3) and X_test.dtype == np.uint8
    assert classes.tolist() == [0, 1, 2, 3, 4, 5] and classes.dtype == np.int64
    assert "the course's files" in capsys.readouterr().out
    assert not (tmp_path / "generated").exists(), "nothing may be generated when the course files exist"


@pytest.mark.parametrize("spec", [SMALL_HAPPY, SMALL_SIGNS], ids=["happy", "signs"])
def test_generated_standins_in_course_format(tmp_path, capsys, spec):
    X_train, Y_train, X_test, Y_test, classes = load_dataset(spec, tmp_path)
    assert "generated stand-ins" in capsys.readouterr().out
    assert X_train.shape == (spec.n_train, 64, 64, 3) and X_train.dtype == np.uint8
    assert Y_train.shape == (1, spec.n_train) and Y_train.dtype == np.int64
    assert X_test.shape == (spec.n_test, 64, 64, 3) and Y_test.shape == (1, spec.n_test)
    assert classes.tolist() == list(spec.classes)
    with h5py.File(tmp_path / "generated" / f"train_{spec.name}.h5") as f:
        assert f["train_set_x"].dtype == np.uint8 and f["train_set_y"].dtype == np.int64
    with h5py.File(tmp_path / "generated" / f"test_{spec.name}.h5") as f:
        assert {"test_set_x", "test_set_y", "list_classes"} <= set(f.keys())
        assert f["list_classes"].dtype == np.int64


def test_full_size_datasets_are_balanced(capsys):
    """The real caches (prepared by `make`): sizes and class balance of the issue."""
    _, Y_train, _, Y_test, classes = datasets.load_happy_dataset()
    assert (Y_train.shape, Y_test.shape, classes.tolist()) == ((1, 600), (1, 150), [0, 1])
    assert 0.4 <= Y_train.mean() <= 0.6 and 0.4 <= Y_test.mean() <= 0.6
    _, Y_train, _, Y_test, classes = datasets.load_signs_dataset()
    assert (Y_train.shape, Y_test.shape, classes.tolist()) == ((1, 1080), (1, 120), list(range(6)))
    assert np.bincount(Y_train[0]).tolist() == [180] * 6
    assert np.bincount(Y_test[0]).tolist() == [20] * 6


def test_happy_standins_are_as_blown_out_and_as_sharp_as_the_courses_photos(capsys):
    """The course's Happy House photos (measured on its files: data/README.md) have about 11 % of their pixels
    clipped white and a mean absolute difference of about 9.8 between horizontal neighbours."""
    X_train, _, X_test, _, _ = datasets.load_happy_dataset()
    X = np.concatenate([X_train, X_test])
    assert 0.08 <= clipped_white(X) <= 0.14, f"{clipped_white(X):.1%} of the pixels are clipped white"
    assert 8.8 <= neighbour_difference(X) <= 10.8, f"neighbour difference {neighbour_difference(X):.2f}"


# --- determinism -----------------------------------------------------------------------------

@pytest.mark.parametrize("renderer", [render_happy, render_signs], ids=["happy", "signs"])
def test_same_seed_same_bytes(renderer):
    X1, y1 = renderer.generate(12, seed=7)
    X2, y2 = renderer.generate(12, seed=7)
    X3, _ = renderer.generate(12, seed=8)
    assert X1.tobytes() == X2.tobytes() and y1.tobytes() == y2.tobytes()
    assert X1.tobytes() != X3.tobytes()


def test_happy_draws_the_same_bytes_in_any_number_of_processes(tmp_path, monkeypatch):
    # each image has its own random numbers, so the processes that share the drawing out draw what one would; they
    # draw with this helpers package even from a folder that holds another
    X1, y1 = render_happy.generate(10, seed=7, workers=1)
    (tmp_path / "helpers.py").write_text("raise SystemExit('another helpers')\n")
    monkeypatch.chdir(tmp_path)

    def not_here(image_rngs, labels):
        raise AssertionError("drew in the calling process")
    monkeypatch.setattr(render_happy, "_draw", not_here)  # the other processes import the module afresh
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none fell back to this process
        X3, y3 = render_happy.generate(10, seed=7, workers=3)
    assert X1.tobytes() == X3.tobytes() and y1.tobytes() == y3.tobytes()
    with pytest.raises(ValueError, match="workers"):
        render_happy.generate(10, seed=7, workers=0)


def _starts_one_then_fails(real_popen):
    calls = iter(range(2))

    def popen(*args, **kwargs):
        if next(calls, 1):
            raise BlockingIOError(11, "Resource temporarily unavailable")  # EAGAIN: no more processes allowed
        return real_popen(*args, **kwargs)  # (kept nowhere here, so that an unclosed pipe would warn when collected)
    return popen


POSIX = pytest.mark.skipif(os.name != "posix", reason="a POSIX shell's false, kill and printf")


class _BrokenStdin:
    """A child's stdin whose reader has gone, as Windows reports it: EINVAL, not a broken pipe."""

    def __init__(self, real):
        self.real = real

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()

    def write(self, data):
        raise OSError(errno.EINVAL, "Invalid argument")

    def close(self):
        self.real.close()


def _runs_instead(real_popen, shell_command):
    """Popen that starts ``shell_command`` in a POSIX shell instead of the drawing process (with the same pipes): a
    process that kills itself or prints a wrong answer, without a script file (/tmp may be mounted noexec)."""
    def popen(args, **kwargs):
        return real_popen(["sh", "-c", shell_command], **kwargs)
    return popen


def _stdin_broken(real_popen):
    def popen(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        process.stdin = _BrokenStdin(process.stdin)  # the child gets no input and ends with status 1
        return process
    return popen


@pytest.mark.parametrize("how, why", [pytest.param("fails", "failed with exit status 1", marks=POSIX),
                                      pytest.param("killed", "was ended by signal 9", marks=POSIX),
                                      pytest.param("chatty", "sent 1 bytes instead of 36864", marks=POSIX),
                                      ("cannot start", "could start (FileNotFoundError"),  # none starts
                                      ("limited", "could start (BlockingIOError"),  # the second one cannot
                                      ("einval", "failed with exit status 1")],  # writing to it fails
                         ids=["fails", "killed", "wrong-bytes", "cannot-start", "process-limit", "write-einval"])
def test_happy_draws_in_this_process_when_another_fails(monkeypatch, how, why):
    X1, _ = render_happy.generate(6, seed=7, workers=1)
    if how == "fails":
        monkeypatch.setattr(render_happy.sys, "executable", shutil.which("false"))
    elif how in ("killed", "chatty"):  # a process that kills itself, or one that exits 0 after printing one byte
        monkeypatch.setattr(render_happy.subprocess, "Popen",
                            _runs_instead(subprocess.Popen, "kill -9 $$" if how == "killed" else "printf x"))
    elif how == "einval":
        monkeypatch.setattr(render_happy.subprocess, "Popen", _stdin_broken(subprocess.Popen))
    elif how == "cannot start":
        monkeypatch.setattr(render_happy.sys, "executable", "/nonexistent/python")
    else:
        monkeypatch.setattr(render_happy.subprocess, "Popen", _starts_one_then_fails(subprocess.Popen))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X2, _ = render_happy.generate(6, seed=7, workers=2)
        gc.collect()  # an unclosed pipe warns when it is collected
    said = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert len(said) == 1 and why in said[0] and said[0].endswith("drawing them in this process instead."), said
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)], "a pipe was left open"
    assert X1.tobytes() == X2.tobytes()


@pytest.mark.parametrize("gone", ["no input", "part of the input", "no one reading"])
def test_a_drawing_process_whose_caller_has_gone_ends_without_a_traceback(gone):
    rngs = np.random.default_rng(7).spawn(3)
    work = pickle.dumps((rngs, np.array([0, 1, 0])))
    process = subprocess.Popen([sys.executable, "-m", "helpers._standins.happy", "--draw",
                                str(Path(render_happy.__file__).resolve())], cwd=Path(render_happy.__file__).parents[2],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if gone == "no one reading":
        process.stdout.close()  # before it has drawn its three images
    process.stdin.write({"no input": b"", "part of the input": work[:len(work) // 2]}.get(gone, work))
    process.stdin.close()
    errors = process.stderr.read()
    process.stderr.close()
    if gone != "no one reading":
        assert process.stdout.read() == b""
        process.stdout.close()
    assert process.wait() == 1 and errors == b"", errors.decode()


def test_a_drawing_process_refuses_to_draw_with_other_code_than_its_callers():
    # where another helpers came first on its path (an installed copy), it would draw other pixels
    done = subprocess.run([sys.executable, "-m", "helpers._standins.happy", "--draw", "/elsewhere/happy.py"],
                          cwd=Path(render_happy.__file__).parents[2], input=b"", capture_output=True)
    assert done.returncode != 0 and b"not drawing with other code" in done.stderr and done.stdout == b""


def test_happy_counts_only_the_cores_its_cpu_quota_allows(monkeypatch):
    monkeypatch.setattr(render_happy.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(render_happy, "_cpu_quota", lambda: 1.5)
    assert render_happy._cores() == 1
    monkeypatch.setattr(render_happy, "_cpu_quota", lambda: None)
    assert render_happy._cores() == 4


def _files(root, files):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_cpu_quota_is_read_from_the_control_groups(tmp_path):
    # cgroup v2, as JupyterHub's systemd units have it: the lowest quota of the group and those above it
    v2 = _files(tmp_path / "v2", {"proc/self/cgroup": "0::/system.slice/jupyter-ann.service\n",
                                  "sys/fs/cgroup/system.slice/cpu.max": "300000 100000\n",
                                  "sys/fs/cgroup/system.slice/jupyter-ann.service/cpu.max": "200000 100000\n"})
    assert render_happy._cpu_quota(v2) == 2.0
    # cgroup v1 in a container whose own group is the mount's root: its quota, 1.5 cores
    v1 = _files(tmp_path / "v1", {"proc/self/cgroup": "4:memory:/docker/abc\n1:cpu,cpuacct:/docker/abc\n",
                                  "sys/fs/cgroup/cpu/cpu.cfs_quota_us": "150000\n",
                                  "sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n"})
    assert render_happy._cpu_quota(v1) == 1.5
    unlimited = _files(tmp_path / "none", {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "max 100000\n"})
    assert render_happy._cpu_quota(unlimited) is None
    assert render_happy._cpu_quota(tmp_path / "nothing") is None  # not Linux


def test_cache_files_are_byte_identical(tmp_path):
    _standins.prepare(SMALL_SIGNS, tmp_path / "a")
    _standins.prepare(SMALL_SIGNS, tmp_path / "b")
    for name in ("train_signs.h5", "test_signs.h5"):
        assert (tmp_path / "a/generated" / name).read_bytes() == (tmp_path / "b/generated" / name).read_bytes()


@pytest.mark.parametrize("renderer", [render_happy, render_signs], ids=["happy", "signs"])
def test_images_are_soft(renderer):
    X, _ = renderer.generate(12, seed=3)
    # no pixel noise: neighbouring pixels differ little on average, like a downsampled photo
    assert np.abs(np.diff(X.astype(int), axis=2)).mean() < 12


def test_signs_have_no_clipped_pixels():
    X, _ = render_signs.generate(12, seed=3)
    assert X.min() > 0 and X.max() < 255, "SIGNS: soft diffuse light, no clipped pixels"


# --- the cache -------------------------------------------------------------------------------

def test_second_prepare_reuses_the_cache(tmp_path):
    train, test = _standins.prepare(SMALL_HAPPY, tmp_path)
    before = (train.stat().st_mtime_ns, test.stat().st_mtime_ns)
    _standins.prepare(SMALL_HAPPY, tmp_path)
    assert (train.stat().st_mtime_ns, test.stat().st_mtime_ns) == before


def test_cache_of_other_generator_version_is_regenerated(tmp_path):
    train, _ = _standins.prepare(SMALL_HAPPY, tmp_path)
    with h5py.File(train, "a") as f:
        f.attrs["generator_version"] = "older"
    _standins.prepare(SMALL_HAPPY, tmp_path)
    with h5py.File(train) as f:
        assert f.attrs["generator_version"] == _standins.generator_version(SMALL_HAPPY)


def test_the_cache_version_follows_what_draws_the_images(monkeypatch):
    """The renderer's source, the spec's sizes and seeds, and NumPy's and Pillow's versions."""
    import PIL

    version = _standins.generator_version(HAPPY)
    assert _standins.generator_version(SMALL_HAPPY) != version
    assert _standins.generator_version(dataclasses.replace(HAPPY, train_seed=7)) != version
    assert _standins.generator_version(dataclasses.replace(HAPPY, title="x")) == version  # a name draws nothing
    monkeypatch.setattr(np, "__version__", "0.0")
    assert _standins.generator_version(HAPPY) != version
    monkeypatch.undo()
    monkeypatch.setattr(PIL, "__version__", "0.0")
    assert _standins.generator_version(HAPPY) != version


def test_failed_generation_leaves_no_partial_file(tmp_path, monkeypatch):
    def broken(n, seed):
        raise KeyboardInterrupt

    monkeypatch.setattr(render_happy, "generate", broken)
    with pytest.raises(KeyboardInterrupt):
        _standins.prepare(SMALL_HAPPY, tmp_path)
    assert list((tmp_path / "generated").iterdir()) == []


def _load_in_child(folder):
    X_train, *_ = load_dataset(SMALL_SIGNS, Path(folder), verbose=False)
    return int(X_train.sum())


def test_two_processes_preparing_at_once_read_whole_files(tmp_path):
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        sums = pool.map(_load_in_child, [str(tmp_path)] * 4)
    assert len(set(sums)) == 1
    assert [p.name for p in (tmp_path / "generated").iterdir() if p.suffix == ".tmp"] == []


def test_course_files_are_never_modified(tmp_path):
    write_course_files(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    # main() also prepares Happy House, which has no course files here: its stand-ins as make's set-up drew them
    for path in _standins.current_files(HAPPY, datasets.DATA_DIR) or ():
        (tmp_path / _standins.GENERATED).mkdir(exist_ok=True)
        (tmp_path / _standins.GENERATED / path.name).write_bytes(path.read_bytes())
    load_dataset(SIGNS, tmp_path, verbose=False)
    datasets.main([str(tmp_path)])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


# --- errors ----------------------------------------------------------------------------------

def check_error(tmp_path, *fragments):
    with pytest.raises(DatasetError) as caught:
        load_dataset(SIGNS, tmp_path, verbose=False)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in: {message}"
    return message


def test_corrupt_file(tmp_path):
    write_course_files(tmp_path)
    (tmp_path / "train_signs.h5").write_bytes(b"this is not an HDF5 file" * 100)
    message = check_error(tmp_path, str(tmp_path / "train_signs.h5"), "not a readable HDF5 file")
    assert "fresh copy" in message


def test_truncated_file(tmp_path):
    write_course_files(tmp_path)
    path = tmp_path / "test_signs.h5"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    check_error(tmp_path, str(path), "truncated or corrupt")


def test_missing_key(tmp_path):
    write_course_files(tmp_path, test={"list_classes": None})
    check_error(tmp_path, str(tmp_path / "test_signs.h5"), "missing key(s) ['list_classes']")


def test_wrong_shape(tmp_path):
    write_course_files(tmp_path, train={"train_set_x": np.zeros((6, 32, 32, 3), np.uint8)})
    check_error(tmp_path, "train_set_x has shape (6, 32, 32, 3), expected (m, 64, 64, 3)")


def test_wrong_image_dtype(tmp_path):
    write_course_files(tmp_path, test={"test_set_x": np.zeros((4, 64, 64, 3), np.float32)})
    check_error(tmp_path, str(tmp_path / "test_signs.h5"), "dtype float32, expected uint8")


def test_wrong_label_dtype_and_count(tmp_path):
    write_course_files(tmp_path, train={"train_set_y": np.zeros(5, np.float64)})
    check_error(tmp_path, "5 labels for 6 images", "expected int64 labels")


def test_labels_outside_classes(tmp_path):
    write_course_files(tmp_path, test={"test_set_y": np.array([0, 1, 2, 9])})
    check_error(tmp_path, "labels [9]")


def test_only_one_course_file(tmp_path):
    write_course_files(tmp_path)
    (tmp_path / "test_signs.h5").unlink()
    check_error(tmp_path, "test_signs.h5 is missing")
    assert not (tmp_path / "generated").exists()


def test_the_data_folder_is_the_checkouts_or_a_per_user_folder(tmp_path):
    from helpers import datasets

    assert datasets.DATA_DIR == Path(datasets.__file__).resolve().parent.parent / "data"  # this checkout
    checkout = tmp_path / "course"
    (checkout / "helpers").mkdir(parents=True)
    (checkout / "notebooks").mkdir()
    (checkout / "pyproject.toml").write_text("")
    assert datasets.default_data_dir({}, checkout / "helpers") == checkout / "data"
    installed = tmp_path / "site-packages" / "helpers"  # pip install: no pyproject.toml and notebooks/ beside it
    installed.mkdir(parents=True)
    assert datasets.default_data_dir({}, installed) == \
        Path("~/.keras/datasets/convnets-course").expanduser()
    assert datasets.default_data_dir({"KERAS_HOME": str(tmp_path / "kh")}, installed) == \
        tmp_path / "kh" / "datasets" / "convnets-course"
    assert datasets.default_data_dir({"CONVNETS_COURSE_DATA": str(tmp_path / "mine"), "KERAS_HOME": "x"},
                                     checkout / "helpers") == tmp_path / "mine"
