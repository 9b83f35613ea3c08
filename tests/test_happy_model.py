"""HappyModel (notebooks 01-02): the reference, the layer table and the checks, own images."""
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture(scope="module")
def keras():
    from helpers.session import setup

    setup(seed=0, verbose=False)
    import keras

    return keras


def build(keras, make, *args, **kwargs):
    """Build a model after clear_session(), so unnamed layers get the same names every time."""
    keras.backend.clear_session()
    return make(*args, **kwargs)


def happy_variant(keras, zero_pad=3, conv_padding="valid", filters=32, batch_norm=True, conv_name="conv0",
                  extra=None, extra_at_end=False):
    """HappyModel with one slip a learner might make (the defaults give the reference)."""
    from keras.layers import (Activation, BatchNormalization, Conv2D, Dense, Flatten, Input, MaxPooling2D,
                              ZeroPadding2D)

    X_input = Input((64, 64, 3))
    X = ZeroPadding2D((zero_pad, zero_pad))(X_input)
    X = Conv2D(filters, (7, 7), strides=(1, 1), padding=conv_padding, name=conv_name)(X)
    if batch_norm:
        X = BatchNormalization(axis=3, name="bn0")(X)
    X = Activation("relu")(X)
    if extra is not None and not extra_at_end:
        X = extra(X)
    X = MaxPooling2D((2, 2), name="max_pool")(X)
    X = Flatten()(X)
    X = Dense(1, activation="sigmoid", name="fc")(X)
    if extra is not None and extra_at_end:
        X = extra(X)
    return keras.Model(inputs=X_input, outputs=X, name="HappyModel")


# ---- the reference and the layer table --------------------------------------------------------------


def test_reference_happymodel_parameters_and_settings(keras):
    from helpers import models
    from helpers.checks import count_params, layer_table

    model = build(keras, models.HappyModel, (64, 64, 3))
    rows = {row["name"]: row for row in layer_table(model)}
    assert [row["class"] for row in layer_table(model)] == [
        "InputLayer", "ZeroPadding2D", "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D",
        "Flatten", "Dense"]
    assert rows["zero_padding2d"]["output_shape"] == (None, 70, 70, 3)
    assert rows["conv0"]["params"] == (7 * 7 * 3 + 1) * 32 == 4_736
    assert rows["conv0"]["output_shape"] == (None, 64, 64, 32)
    assert rows["conv0"]["settings"]["padding"] == "valid"
    assert rows["conv0"]["settings"]["strides"] == (1, 1)
    assert rows["bn0"]["params"] == 4 * 32 and rows["bn0"]["settings"]["axis"] == 3
    assert rows["max_pool"]["output_shape"] == (None, 32, 32, 32)
    assert rows["fc"]["params"] == 32 * 32 * 32 + 1
    assert rows["fc"]["settings"]["activation"] == "sigmoid"
    assert count_params(model.trainable_weights) == 37_569
    assert count_params(model.non_trainable_weights) == 64


def sequential_twin(keras, model, input_shape):
    """A Sequential model with fresh copies of ``model``'s layers (same settings and names), on ``input_shape``."""
    return keras.Sequential([keras.Input(input_shape)]
                            + [type(layer).from_config(layer.get_config()) for layer in model.layers[1:]],
                            name=model.name)


def test_a_sequential_model_and_its_functional_twin_compare_equal(keras):
    from helpers import models
    from helpers.checks import compare_models, layer_table

    functional = build(keras, models.HappyModel, (64, 64, 3))
    sequential = sequential_twin(keras, functional, (64, 64, 3))
    # A Sequential model does not list its Input as a layer; every other row is identical.
    assert layer_table(sequential) == layer_table(functional, input_layer=False)
    assert len(layer_table(functional)) == len(layer_table(sequential)) + 1
    assert compare_models(sequential, functional) == 7
    assert compare_models(functional, sequential) == 7


def test_sequential_with_a_wrong_input_shape_is_named(keras):
    from helpers import models
    from helpers.checks import CheckFailed, compare_models

    functional = build(keras, models.HappyModel, (64, 64, 3))
    sequential = sequential_twin(keras, functional, (32, 32, 3))
    with pytest.raises(CheckFailed, match=r"input shape is \(None, 32, 32, 3\), expected \(None, 64, 64, 3\)"):
        compare_models(sequential, functional)


# ---- compare_models: the first difference, named ---------------------------------------------------


@pytest.fixture()
def reference(keras):
    from helpers import models

    return build(keras, models.HappyModel, (64, 64, 3))


@pytest.mark.parametrize("slip, message", [
    ({"conv_padding": "same"},
     r"^Layer 2 \(conv0, Conv2D\): padding is 'same', expected 'valid'\. Check the padding"),
    ({"zero_pad": 2},
     r"^Layer 1 \(zero_padding2d, ZeroPadding2D\): padding is \(\(2, 2\), \(2, 2\)\), expected "
     r"\(\(3, 3\), \(3, 3\)\)\. ZeroPadding2D\(\(p, p\)\) adds p rows"),
    ({"batch_norm": False},
     r"^Layer 3 \(activation, Activation\): is an Activation, expected a BatchNormalization "
     r"\(reference layer 'bn0'\)\. Did you forget a BatchNormalization\?"),
    ({"conv_name": "conv1"},
     r"^Layer 2 \(conv1, Conv2D\): is named 'conv1', expected 'conv0'\. Give the layer the course's name"),
    ({"filters": 16},
     r"^Layer 2 \(conv0, Conv2D\): filters is 16, expected 32\. Check the number of filters"),
])
def test_compare_models_names_the_first_layer_that_differs(keras, reference, slip, message):
    from helpers.checks import CheckFailed, compare_models

    learner = build(keras, happy_variant, keras, **slip)
    with pytest.raises(CheckFailed, match=message):
        compare_models(learner, reference)


def test_compare_models_names_an_extra_layer_at_the_end(keras, reference):
    from helpers.checks import CheckFailed, compare_models

    learner = build(keras, happy_variant, keras, extra=keras.layers.Activation("sigmoid", name="extra"),
                    extra_at_end=True)
    with pytest.raises(CheckFailed, match=r"^Your model has 9 layers, the reference 8: yours has extra "
                                          r"layer 8 \(extra, Activation\) at the end\."):
        compare_models(learner, reference)
    with pytest.raises(CheckFailed, match=r"the reference 9: yours is missing layer 8 \(extra, Activation\)"):
        compare_models(reference, learner)


def test_compare_models_names_an_extra_layer_in_the_middle(keras, reference):
    from helpers.checks import CheckFailed, compare_models

    learner = build(keras, happy_variant, keras, extra=keras.layers.Dropout(0.5, name="dropout"))
    with pytest.raises(CheckFailed, match=r"^Layer 5 \(dropout, Dropout\): is a Dropout, expected a "
                                          r"MaxPooling2D \(reference layer 'max_pool'\)"):
        compare_models(learner, reference)


def test_compare_models_can_ignore_names_but_not_structure(keras, reference):
    from helpers.checks import CheckFailed, compare_models

    renamed = build(keras, happy_variant, keras, conv_name="conv1")
    assert compare_models(renamed, reference, compare_names=False) == 8
    with pytest.raises(CheckFailed):
        compare_models(build(keras, happy_variant, keras, filters=16), reference, compare_names=False)


def test_format_layer_table_is_stable_text(keras, reference):
    from helpers import models
    from helpers.checks import format_layer_table

    text = format_layer_table(reference)
    assert "conv0 (Conv2D)" in text and "(None, 64, 64, 32)" in text and "4,736" in text
    assert text.splitlines()[-1] == "Total params: 37,633  (trainable 37,569, non-trainable 64)"
    assert format_layer_table(build(keras, models.HappyModel)) == text


# ---- the model checks of notebooks 01 and 02 ---------------------------------------------------------


def test_check_happy_model_passes_the_reference_and_leaves_a_clean_session(keras, capsys):
    from helpers import models
    from helpers.checks import check_happy_model

    check_happy_model(models.HappyModel)
    assert capsys.readouterr().out == "HappyModel matches the reference: 8 layers, 37,633 parameters\n"
    assert models.HappyModel().layers[1].name == "zero_padding2d"  # the next model gets the usual names


@pytest.mark.parametrize("slip, message", [
    ({"conv_padding": "same"}, r"^Layer 2 \(conv0, Conv2D\): padding is 'same', expected 'valid'"),
    ({"batch_norm": False}, r"is an Activation, expected a BatchNormalization"),
])
def test_check_happy_model_names_the_slip(keras, slip, message):
    from helpers.checks import CheckFailed, check_happy_model

    with pytest.raises(CheckFailed, match=message):
        check_happy_model(lambda input_shape: happy_variant(keras, **slip), strict=True)


@pytest.mark.parametrize("make, message", [
    ("unwritten", r"HappyModel is not written yet: replace `raise NotImplementedError\(\)`"),
    ("no model", r"HappyModel returned NoneType, expected a keras Model"),
    ("bad layer", r"Building your HappyModel\(\(64, 64, 3\)\) failed: "),
    ("wrong name", r"Your model is named 'happy': pass name='HappyModel'"),
])
def test_check_happy_model_explains_what_is_missing(keras, make, message):
    from helpers import models
    from helpers.checks import CheckFailed, check_happy_model

    def unwritten(input_shape):
        raise NotImplementedError()

    def wrong_name(input_shape):
        model = models.HappyModel(input_shape)
        return keras.Model(model.inputs, model.outputs, name="happy")

    makers = {"unwritten": unwritten, "no model": lambda input_shape: None,
              "bad layer": lambda input_shape: keras.layers.Conv2D(32, (7, 7), padding="nonsense"),
              "wrong name": wrong_name}
    with pytest.raises(CheckFailed, match=message):
        check_happy_model(makers[make], strict=True)


def test_check_tiny_signs_model_and_its_count_by_hand(keras, capsys):
    from helpers import models
    from helpers.checks import check_tiny_signs_model, check_tiny_signs_param_count

    assert check_tiny_signs_model(models.TinySignsModel) is models.TinySignsModel
    assert check_tiny_signs_param_count(lambda: models.TinySignsModel().count_params())() == 25_094
    assert capsys.readouterr().out.splitlines() == [
        "TinySignsModel matches the reference: 8 layers, 25,094 parameters",
        "tiny_signs_param_count() = 25,094: right (32 of them non-trainable: bn1's moving mean and variance)"]


def test_check_param_counts_prints_both_counts_and_names_a_wrong_formula(keras, capsys):
    from helpers import models
    from helpers.checks import CheckFailed, check_param_counts

    model = build(keras, models.HappyModel, (64, 64, 3))
    check_param_counts(model, {"conv0": 4_736, "bn0": 128, "fc": 32_769})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "conv0        by hand    4,736   in the model    4,736"
    assert lines[-1].startswith("Total 37,633 = trainable 37,569 + non-trainable 64")
    with pytest.raises(CheckFailed, match=r"^conv0: your formula gives 4,704, the layer has 4,736 parameters"):
        check_param_counts(model, {"conv0": 7 * 7 * 3 * 32, "bn0": 128, "fc": 32_769})  # forgot the biases
    with pytest.raises(CheckFailed, match=r"^fc \(Dense\) has 32,769 parameters, but by_hand has no entry"):
        check_param_counts(model, {"conv0": 4_736, "bn0": 128})
    with pytest.raises(CheckFailed, match=r"by_hand names 'conv1', but the model has no such layer"):
        check_param_counts(model, {"conv0": 4_736, "bn0": 128, "fc": 32_769, "conv1": 0})


def test_expect_and_check_accuracy_print_a_fact_or_raise_with_what_to_do(capsys):
    from helpers.checks import CheckFailed, check_accuracy, expect

    expect(2 > 1, "two is more than one.", "never")
    check_accuracy(0.975, at_least=0.95, what="ResNet50's test accuracy", hint="Train longer.")
    assert capsys.readouterr().out.splitlines() == ["two is more than one.",
                                                    "ResNet50's test accuracy: at least 0.95."]
    with pytest.raises(CheckFailed, match="^it is not$"):
        expect(False, "never printed", "it is not")
    with pytest.raises(CheckFailed, match=r"^acc is 0\.900, below the expected 0\.95\. Train longer\.$"):
        check_accuracy(0.9, at_least=0.95, what="acc", hint="Train longer.")
    assert capsys.readouterr().out == ""
    # 114 of 120 correct is 0.95, which Keras reports in float32 as 0.94999999; 113 of 120 is below.
    check_accuracy(np.float32(114 / 120), at_least=0.95, what="acc", hint="")
    with pytest.raises(CheckFailed):
        check_accuracy(np.float32(113 / 120), at_least=0.95, what="acc", hint="")


# ---- helpers.images.load_own_image -------------------------------------------------------------


def test_load_own_image_returns_a_batch_of_one(tmp_path):
    from helpers.images import load_own_image

    path = tmp_path / "photo.jpg"
    Image.new("RGB", (300, 200), (200, 100, 50)).save(path)
    x = load_own_image(path)
    assert x.shape == (1, 64, 64, 3) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    np.testing.assert_allclose(x[0, 32, 32], np.array([200, 100, 50]) / 255, atol=0.02)
    assert load_own_image(path, size=(32, 48)).shape == (1, 32, 48, 3)


@pytest.mark.parametrize("mode, colour, expected", [
    ("RGBA", (0, 0, 255, 0), (1.0, 1.0, 1.0)),        # fully transparent -> white
    ("RGBA", (0, 0, 255, 255), (0.0, 0.0, 1.0)),      # opaque blue stays blue
    ("L", 128, (128 / 255,) * 3),                      # greyscale -> three equal channels
    ("LA", (0, 0), (1.0, 1.0, 1.0)),
    ("P", 0, None),                                     # palette
    ("I;16", 65535, (1.0, 1.0, 1.0)),                   # 16-bit greyscale, scaled, not clipped
])
def test_load_own_image_converts_any_mode_to_rgb(tmp_path, mode, colour, expected):
    from helpers.images import load_own_image

    image = Image.new(mode, (80, 80), colour)
    if mode == "P":
        image.putpalette([10, 200, 30] + [0] * 765)
        expected = (10 / 255, 200 / 255, 30 / 255)
    path = tmp_path / "image.png"
    image.save(path)
    x = load_own_image(path)
    assert x.shape == (1, 64, 64, 3) and x.dtype == np.float32
    np.testing.assert_allclose(x[0, 10, 10], expected, atol=0.01)


def test_load_own_image_crops_or_stretches(tmp_path):
    from helpers.images import load_own_image

    wide = np.zeros((100, 300, 3), dtype=np.uint8)
    wide[:, :100] = (255, 0, 0)    # red left third
    wide[:, 100:200] = (0, 255, 0)  # green middle
    wide[:, 200:] = (0, 0, 255)    # blue right third
    path = tmp_path / "wide.png"
    Image.fromarray(wide).save(path)
    cropped = load_own_image(path)[0]
    assert cropped[:, 2:-2, 1].min() > 0.9 and cropped[:, :, 0].max() < 0.1  # only the green middle
    stretched = load_own_image(path, crop=False)[0]
    assert stretched[32, 2, 0] > 0.9 and stretched[32, 32, 1] > 0.9 and stretched[32, -3, 2] > 0.9


def test_load_own_image_applies_exif_orientation(tmp_path):
    from helpers.images import load_own_image

    stored = np.zeros((60, 120, 3), dtype=np.uint8)
    stored[:, :60] = (255, 0, 0)   # stored: red left half, blue right half
    stored[:, 60:] = (0, 0, 255)
    image = Image.fromarray(stored)
    exif = image.getexif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    path = tmp_path / "phone.jpg"
    image.save(path, exif=exif, quality=95)
    x = load_own_image(path, crop=False)[0]
    assert x[5, 32, 0] > 0.8 and x[-5, 32, 2] > 0.8  # displayed: red on top, blue at the bottom


def test_load_own_image_missing_file_is_named(tmp_path):
    from helpers.images import load_own_image

    path = tmp_path / "no_such_photo.jpg"
    with pytest.raises(FileNotFoundError, match=r"no_such_photo\.jpg: no such file\. Expected a PNG or JPEG"):
        load_own_image(path)


def test_load_own_image_rejects_a_file_that_is_not_an_image(tmp_path):
    from helpers.images import load_own_image

    path = tmp_path / "notes.txt"
    path.write_text("not a photo\n")
    with pytest.raises(ValueError, match=r"notes\.txt: is not an image file Pillow can read\. Expected a PNG"):
        load_own_image(path)
    with pytest.raises(ValueError, match=r"is a folder, not an image file"):
        load_own_image(tmp_path)


@pytest.mark.parametrize("suffix, cut", [(".jpg", 0.5), (".png", 0.6)])
def test_load_own_image_rejects_a_truncated_image(tmp_path, suffix, cut):
    from helpers.images import load_own_image

    rng = np.random.default_rng(0)
    whole = tmp_path / f"whole{suffix}"
    Image.fromarray(rng.integers(0, 256, (120, 120, 3), dtype=np.uint8)).save(whole)
    data = whole.read_bytes()
    broken = tmp_path / f"broken{suffix}"
    broken.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(ValueError, match=rf"broken\{suffix}: the image could not be decoded .*truncated or damaged"):
        load_own_image(broken)


@pytest.mark.parametrize("size", [(64,), (0, 64), (64.0, 64), "64"])
def test_load_own_image_rejects_a_bad_size(tmp_path, size):
    from helpers.images import load_own_image

    path = tmp_path / "photo.png"
    Image.new("RGB", (10, 10)).save(path)
    with pytest.raises(ValueError, match="size must be"):
        load_own_image(path, size=size)


def test_example_own_image_ships_small_and_loads():
    from helpers.images import load_own_image

    path = NOTEBOOKS / "images" / "my_image.jpg"
    assert path.exists() and path.stat().st_size < 50_000
    assert load_own_image(path).shape == (1, 64, 64, 3)


# ---- helpers.plots.show_prediction ---------------------------------------------------------------


def test_show_prediction_draws_image_and_probability():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.plots import show_prediction

    figure = show_prediction(np.zeros((1, 64, 64, 3), dtype=np.float32), np.array([[0.8]]), title="mine")
    image_axes, bar_axes = figure.axes[:2]
    assert figure._suptitle.get_text() == "mine"
    assert bar_axes.get_xlabel() == "predicted probability of 'smiling'"
    assert bar_axes.get_title() == "p = 0.80: smiling"
    assert bar_axes.patches[0].get_width() == pytest.approx(0.8)
    plt.close(figure)
    with pytest.raises(ValueError, match="probability must be one number"):
        show_prediction(np.zeros((64, 64, 3)), [0.2, 0.8])
    with pytest.raises(ValueError, match="image must have shape"):
        show_prediction(np.zeros((64, 64)), 0.5)


def test_the_lessons_check_the_target_the_tools_measure_against():
    """Notebooks 02 and 07 check for course.TARGET, the test accuracy `make bench` and `course standins` measure
    against (each with helpers.checks.reaches, which allows float32's rounding)."""
    import course

    for lesson in ("02_happy_model", "07_resnet50"):
        cells = json.loads((course.NOTEBOOKS / f"{lesson}.ipynb").read_text(encoding="utf-8"))["cells"]
        targets = [float(target) for cell in cells if cell["cell_type"] == "code"
                   for target in re.findall(r"check_accuracy\([^)]*at_least=([\d.]+)", "".join(cell["source"]))]
        assert targets == [course.TARGET], f"{lesson} checks {targets}, the tools measure against {course.TARGET}"


def test_notebook_02_trains_happy_model_as_the_tools_do():
    """Notebook 02 writes HappyModel's training out for the learner (X/255, compile, fit with the test set as
    validation data); `make bench` and `course standins happy` repeat it from course.HAPPY_FIT through
    course.bench.train_happy_model (fails when the lesson or HAPPY_FIT changes alone)."""
    import course

    cells = json.loads((course.NOTEBOOKS / "02_happy_model.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    compiled = re.search(r"happyModel\.compile\(optimizer='(\w+)', loss='(\w+)'", code)
    fitted = re.search(r"happyModel\.fit\(X_train, Y_train, batch_size=(\d+), epochs=epochs,\s+validation_data="
                       r"\(X_test, Y_test\)", code)
    epochs = re.search(r"^epochs = (\d+)$", code, re.M)
    assert compiled and fitted and epochs and "X_train = X_train_orig / 255." in code, "notebook 02's training moved"
    lesson = {"optimizer": compiled[1], "loss": compiled[2], "batch_size": int(fitted[1]), "epochs": int(epochs[1])}
    assert lesson == course.HAPPY_FIT


def test_notebook_04_shows_the_lag_as_the_tools_measure_it():
    """Notebook 04's lag demo trains HappyModel from seed 0 on the training images divided by 255, one epoch at a
    time, compiled and batched as course.HAPPY_FIT, for course.standins.LAG_EPOCHS epochs, and checks for a gap of
    course.standins.LAG_SHOWN; `course standins lag` repeats it per seed. Fails when one of these settings changes in
    the lesson or in the tool's constants alone (the tool's code itself is run by hand: data/README.md)."""
    import course
    from course.standins import LAG_EPOCHS, LAG_SHOWN

    cells = json.loads((course.NOTEBOOKS / "04_batchnorm_and_init.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    compiled = re.search(r'happy\.compile\(optimizer="(\w+)", loss="(\w+)"', code)
    fitted = re.search(r"happy\.fit\(X_train_happy, Y_train_happy, batch_size=(\d+), epochs=1,", code)
    epochs = re.search(r"^for epoch in range\(1, (\d+)\):$", code, re.M)
    shown = re.search(r"^expect\(round\(largest_gap, 3\) >= ([\d.]+),", code, re.M)
    seeded = re.search(r"^keras\.utils\.set_random_seed\(0\)\nhappy = models\.HappyModel\(", code, re.M)
    scaled = "X_train_happy, X_test_happy = X_train_happy / 255.0, X_test_happy / 255.0" in code
    assert compiled and fitted and epochs and shown and seeded and scaled, "notebook 04's lag demo moved"
    assert (compiled[1], compiled[2], int(fitted[1])) == tuple(course.HAPPY_FIT[k] for k in ("optimizer", "loss",
                                                                                           "batch_size"))
    assert (int(epochs[1]) - 1, float(shown[1])) == (LAG_EPOCHS, LAG_SHOWN)
