"""The helpers package's modules, helpers.session (quiet logs, seeds, versions) and helpers.plots.show_model's
errors."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import helpers
from course import ROOT, lessons
from course.languages import languages
from helpers import doctor, plots, session


def test_helpers_lists_its_modules_and_the_lessons_import_none_of_the_private_ones():
    """helpers/__init__.py names every module: the lessons' own, a line each, and the private ones behind them
    (helpers._name), which no lesson of any edition imports."""
    folder = os.path.dirname(helpers.__file__)
    modules = {name[:-3] for name in os.listdir(folder) if name.endswith(".py") and name != "__init__.py"}
    modules |= {name for name in os.listdir(folder) if os.path.isfile(os.path.join(folder, name, "__init__.py"))}
    listed = set(re.findall(r"^- ``helpers\.(\w+)``", helpers.__doc__, flags=re.MULTILINE))
    behind = set(re.findall(r"``helpers\.(_\w+)``", helpers.__doc__))
    assert listed == {name for name in modules if not name.startswith("_")}
    assert behind == {name for name in modules if name.startswith("_")} and behind
    for path in lessons() + [path for language in languages() for path in lessons(ROOT / language / "notebooks")]:
        assert not re.search(r"\bhelpers\._|from helpers import[^\n]*\b_", path.read_text(encoding="utf-8")), path.name


def test_helpers_import_silences_tensorflow_cpp_logs():
    code = "import helpers, os; print(os.environ['TF_CPP_MIN_LOG_LEVEL']); import tensorflow"
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    # oneDNN off: its notice ignores TF_CPP_MIN_LOG_LEVEL (setup() handles it, tested below), and another
    # test may have turned it on in this process (notebook 07's first cell does).
    env["TF_ENABLE_ONEDNN_OPTS"] = "0"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"
    assert done.stderr.strip() == "", f"TensorFlow wrote to stderr: {done.stderr[:500]}"


@pytest.mark.parametrize("onednn", ["0", "1"])
def test_setup_keeps_stderr_empty_with_onednn_on_or_off(onednn):
    # With oneDNN on (the default on AVX-512 CPUs; notebook 07 turns it on), TensorFlow's import writes
    # absl lines that ignore TF_CPP_MIN_LOG_LEVEL; setup() must keep them out of the notebook.
    code = "from helpers.session import setup; setup(0, verbose=False); import keras; keras.ops.ones((2, 2))"
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["TF_ENABLE_ONEDNN_OPTS"] = onednn
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", f"TensorFlow wrote to stderr: {done.stderr[:500]}"


def test_import_tensorflow_quietly_restores_stderr():
    # After the quiet import, file descriptor 2 must be the process's stderr again: an error printed at
    # the C level afterwards still reaches it.
    code = ("import os; os.environ['TF_ENABLE_ONEDNN_OPTS'] = '1'\n"
            "from helpers.session import import_tensorflow_quietly; import_tensorflow_quietly()\n"
            "os.write(2, b'still visible')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "still visible"


def test_setup_seeds_and_prints_versions(capsys):
    import keras

    found = session.setup(seed=3)
    line = capsys.readouterr().out
    assert line.startswith("Python 3.11 | TensorFlow 2.21") and "seed 3" in line
    assert found["Keras"].startswith("3.")
    first = (np.random.rand(), keras.random.uniform((3,)).numpy().tolist())
    session.setup(seed=3, verbose=False)
    assert (np.random.rand(), keras.random.uniform((3,)).numpy().tolist()) == first


def test_check_versions_rejects_keras_2():
    with pytest.raises(RuntimeError, match="Keras 3"):
        session.check_versions({"Python": "3.11", "Keras": "2.15.0", "TensorFlow": "2.15.0"})


def tiny_model():
    import keras

    inputs = keras.Input((4,), name="x")
    outputs = keras.layers.Dense(2, name="fc")(inputs)
    return keras.Model(inputs, outputs, name="tiny")


def test_show_model_returns_a_real_png(tmp_path):
    image = plots.show_model(tiny_model(), to_file=tmp_path / "tiny.png")
    data = image.path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000 and "Dense" in image.description


def test_show_model_writes_into_the_output_folder_by_default(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.chdir(tmp_path)  # Jupyter runs a notebook in its own folder
    plots.show_model(tiny_model())
    assert [path.name for path in tmp_path.iterdir()] == ["output"]
    with Image.open(tmp_path / "output" / "tiny.png") as diagram:
        assert diagram.mode == "P" and diagram.width > 100  # stored with a palette: a third of the bytes


def test_output_path_creates_the_folder_beside_the_notebook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = session.output_path("model.keras")
    assert path == session.Path("output/model.keras") and (tmp_path / "output").is_dir()


def test_show_model_refuses_a_file_that_is_not_a_png(tmp_path, monkeypatch):
    import keras

    real = keras.utils.model_to_dot

    def writes_no_png(*args, **kwargs):
        dot = real(*args, **kwargs)
        dot.write = lambda path, format="raw", **options: open(path, "w").write("x")
        return dot

    monkeypatch.setattr(keras.utils, "model_to_dot", writes_no_png)
    with pytest.raises(plots.GraphvizMissingError, match=r"tiny\.png holds no PNG diagram"):
        plots.show_model(tiny_model(), to_file=tmp_path / "tiny.png")


def test_photo_grids_are_shown_as_jpeg_in_jupyter(monkeypatch):
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import display

    matplotlib.use("Agg")
    shown = []
    monkeypatch.setattr(display, "display", shown.append)
    images = np.zeros((4, 8, 8, 3))
    fig = plots.show_images(images, [0, 1, 0, 1], n_rows=1, n_cols=4)
    assert shown == [] and plt.fignum_exists(fig.number)  # outside Jupyter: an ordinary figure
    monkeypatch.setattr(matplotlib, "get_backend", lambda: "module://matplotlib_inline.backend_inline")
    fig = plots.show_images(images, [0, 1, 0, 1], n_rows=1, n_cols=4)
    assert len(shown) == 1 and shown[0] is fig and fig.image_format == "jpeg"
    html, metadata = plots.figure_html(fig)  # what Jupyter shows: an <img> of the JPEG, with its description
    assert html.startswith('<img src="data:image/jpeg;base64,/9j/') and 'alt="Images: 4 images' in html
    assert metadata["alt"].startswith("Images: 4 images, labelled 0, 1, 0, 1")
    assert not plt.fignum_exists(fig.number)  # closed, so Jupyter does not show it a second time
    fig = plots.show_images(images, [1, 0, 0, 0], n_rows=1, n_cols=4, indices=[0])  # one image: no plural
    assert plots.figure_html(fig)[1]["alt"].startswith("Images: 1 image, labelled 1.")
    plt.close("all")


def test_importing_helpers_sets_tensorflows_environment_once():
    code = "import os, helpers; print(os.environ['TF_ENABLE_ONEDNN_OPTS'], os.environ['KERAS_BACKEND'])"
    env = {k: v for k, v in os.environ.items() if k not in ("TF_ENABLE_ONEDNN_OPTS", "KERAS_BACKEND")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.split() == ["1", "tensorflow"]
    env["TF_ENABLE_ONEDNN_OPTS"] = "0"  # a user's own choice wins
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.split() == ["0", "tensorflow"]


def test_show_model_without_graphviz_raises_with_instructions(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere on the PATH
    with pytest.raises(plots.GraphvizMissingError) as caught:
        plots.show_model(tiny_model(), to_file=tmp_path / "tiny.png")
    message = str(caught.value)
    assert "`dot` is not on the PATH: model diagrams cannot be drawn" in message and "restart the kernel" in message
    assert doctor.graphviz_fix() in message and doctor.check_graphviz().fix in message  # the doctor's fix too
    assert not (tmp_path / "tiny.png").exists()


def test_show_model_without_pydot_raises(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pydot", None)  # `import pydot` now raises ImportError
    with pytest.raises(plots.GraphvizMissingError, match="pydot is missing"):
        plots.show_model(tiny_model(), to_file=tmp_path / "tiny.png")


def test_check_one_hot_accepts_the_course_layout(capsys):
    from helpers.checks import check_one_hot
    from helpers.datasets import convert_to_one_hot

    assert check_one_hot(convert_to_one_hot) is convert_to_one_hot  # its slips: course/slips.py
    assert "All tests passed." in capsys.readouterr().out
