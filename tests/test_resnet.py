"""ResNet blocks and ResNet50 (notebooks 05-07): values derived by hand, parameter counts, checks, figures.

Hand derivations use all-ones kernels and zero biases, so a 1x1 CONV with F filters puts in every one
of its F output channels the sum of its input channels, and a CONV fxf puts the sum over its window.
BatchNormalization (gamma = 1, beta = 0, epsilon = 1e-3) computes (x - mean) / sqrt(var + eps):
- training=False uses the moving averages; a fresh layer has mean 0 and var 1, so it multiplies by
  c = 1 / sqrt(1.001);
- training=True uses the batch's mean and (biased) variance per channel, over examples, rows and columns.
"""
import math

import numpy as np
import pytest
from keras.ops import convert_to_numpy

EPS = 1e-3  # Keras' BatchNormalization epsilon (the course keeps the default)
c = 1 / math.sqrt(1 + EPS)  # a fresh BatchNormalization with training=False multiplies by c


def n(d):
    """BatchNormalization (training=True) of a batch of two equal-size groups at -d and +d around their mean.

    Mean 0, biased variance d**2, so the groups become -/+ d / sqrt(d**2 + eps): about -/+ 1, whatever d is.
    """
    return d / math.sqrt(d * d + EPS)


@pytest.fixture(scope="module")
def keras():
    from helpers.session import setup

    setup(seed=0, verbose=False)
    import keras

    return keras


def ones(seed=0):
    """The course's calling convention: initializer(seed=0) returns a Keras initializer (here all ones)."""
    import keras

    return keras.initializers.Constant(1)


def uniform_batch(*values, size=4):
    """A batch with one (size, size, 3) image per value, every pixel and channel equal to that value."""
    return np.concatenate([np.full((1, size, size, 3), v, dtype=np.float32) for v in values])


@pytest.fixture(scope="module")
def blocks(keras):
    """The reference blocks of notebooks 05 and 06 (each notebook's check compares the learner's with them)."""
    from helpers import models

    return {"reference": (models.identity_block, models.convolutional_block)}


IMPLEMENTATIONS = ["reference"]


# ---- identity block: eager arrays, all-ones kernels -------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_identity_block_training_false_by_hand(blocks, implementation):
    identity_block = blocks[implementation][0]
    X = uniform_batch(-1, 1, 3)  # the course's test input: three 4x4x3 images of -1, 1 and 3
    A = identity_block(X, f=2, filters=[4, 4, 3], initializer=ones, training=False)
    assert tuple(A.shape) == (3, 4, 4, 3)
    A = convert_to_numpy(A)
    # An image of value x > 0:
    #   CONV 1x1 (4 filters): 3 channels summed -> 3x;  BN -> 3x c;  ReLU keeps it.
    #   CONV 2x2 'same' (4 filters): TensorFlow pads one row below and one column to the right, so
    #     rows/columns 0-2 see 2x2 pixels x 4 channels = 16 terms -> 48x c,
    #     the last row or column sees 2 pixels x 4 = 8 terms -> 24x c, the corner 4 terms -> 12x c;
    #     BN -> times c; ReLU.
    #   CONV 1x1 (3 filters): 4 channels summed -> 192x c^2, 96x c^2, 48x c^2;  BN -> times c.
    #   Add the shortcut x, ReLU: 192x c^3 + x inside, 96x c^3 + x on the edges, 48x c^3 + x in the corner.
    # An image of value -1: the first ReLU gives 0, the main path stays 0, and ReLU(0 + (-1)) = 0.
    c3 = c ** 3
    for index, x in ((1, 1.0), (2, 3.0)):
        expected = np.full((4, 4), 192 * x * c3 + x)
        expected[3, :3] = expected[:3, 3] = 96 * x * c3 + x
        expected[3, 3] = 48 * x * c3 + x
        for channel in range(3):
            np.testing.assert_allclose(A[index, :, :, channel], expected, rtol=1e-6)
    np.testing.assert_array_equal(A[0], 0.0)
    assert A[1, 0, 0, 0] == pytest.approx(192.71237, abs=1e-4)  # the course's expected value


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("k", [1.0, 3.0])
def test_identity_block_training_true_by_hand(blocks, implementation, k):
    identity_block = blocks[implementation][0]
    # Two images, of -k and +k; f=1 keeps every pixel equal, so each BN sees two groups of equal size.
    X = uniform_batch(-k, k)
    A = convert_to_numpy(identity_block(X, f=1, filters=[4, 4, 3], initializer=ones, training=True))
    #   CONV 1x1: -3k, +3k.  BN (batch mean 0, variance 9k^2): -n(3k), +n(3k).  ReLU: 0, a1 = n(3k).
    #   CONV 1x1 (f=1, 4 channels summed): 0, 4 a1 -> mean 2 a1, half-distance 2 a1.  BN, ReLU: 0, a2 = n(2 a1).
    #   CONV 1x1: 0, 4 a2.  BN: -a3, +a3 with a3 = n(2 a2), about 1.
    #   Add the shortcut and ReLU: ReLU(-a3 - k) = 0 and a3 + k.
    # In training mode the main path's output is about -/+1 however large k is: BN removed the scale.
    a3 = n(2 * n(2 * n(3 * k)))
    np.testing.assert_allclose(A[0], 0.0)
    np.testing.assert_allclose(A[1], np.full((4, 4, 3), k + a3), rtol=1e-5)
    assert A[1, 0, 0, 0] == pytest.approx(k + 0.999875, abs=1e-5)


# ---- convolutional block: eager arrays, all-ones kernels ------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_convolutional_block_training_false_by_hand(blocks, implementation):
    convolutional_block = blocks[implementation][1]
    X = uniform_batch(-1, 1, 3)
    A = convolutional_block(X, f=2, filters=[2, 4, 6], s=2, initializer=ones, training=False)
    assert tuple(A.shape) == (3, 2, 2, 6)  # stride 2 halves 4x4; F3 = 6 channels
    A = convert_to_numpy(A)
    # An image of value x > 0:
    #   CONV 1x1 stride 2 (2 filters): 2x2 pixels of 3x;  BN -> 3x c;  ReLU.
    #   CONV 2x2 'same' (4 filters) on 2x2: pixel (0, 0) sees 4 pixels x 2 channels = 8 terms -> 24x c,
    #     (0, 1) and (1, 0) see 4 terms -> 12x c, (1, 1) sees 2 terms -> 6x c;  BN -> times c;  ReLU.
    #   CONV 1x1 (6 filters): 4 channels summed -> 96x c^2, 48x c^2, 24x c^2;  BN -> times c.
    #   Shortcut: CONV 1x1 stride 2 (6 filters): 3x;  BN -> 3x c.
    #   Add, ReLU: 96x c^3 + 3x c, 48x c^3 + 3x c, 24x c^3 + 3x c.
    # An image of -1: main path 0 (first ReLU), shortcut -3c, ReLU -> 0.
    for index, x in ((1, 1.0), (2, 3.0)):
        expected = np.array([[96, 48], [48, 24]]) * x * c ** 3 + 3 * x * c
        for channel in range(6):
            np.testing.assert_allclose(A[index, :, :, channel], expected, rtol=1e-6)
    np.testing.assert_array_equal(A[0], 0.0)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_convolutional_block_training_true_by_hand(blocks, implementation):
    convolutional_block = blocks[implementation][1]
    X = uniform_batch(-1, 1)
    A = convert_to_numpy(convolutional_block(X, f=1, filters=[2, 4, 6], s=2, initializer=ones, training=True))
    assert A.shape == (2, 2, 2, 6)
    #   Main path: CONV 1x1/2 (2 filters): -3, +3.  BN, ReLU: 0, a1 = n(3).
    #     CONV 1x1 (4 filters, 2 channels summed): 0, 2 a1 -> half-distance a1.  BN, ReLU: 0, a2 = n(a1).
    #     CONV 1x1 (6 filters, 4 channels summed): 0, 4 a2 -> half-distance 2 a2.  BN: -/+ n(2 a2).
    #   Shortcut: CONV 1x1/2 (6 filters, 3 channels summed): -3, +3.  BN: -/+ n(3).
    #   Add, ReLU: 0 and n(2 a2) + n(3), about 2.
    expected = n(2 * n(n(3))) + n(3)
    np.testing.assert_allclose(A[0], 0.0)
    np.testing.assert_allclose(A[1], np.full((2, 2, 6), expected), rtol=1e-5)
    assert expected == pytest.approx(1.99982, abs=1e-5)


# ---- inside a model: chosen BatchNormalization statistics ------------------------------------------


def set_batchnorm(model, mean, variance, gamma=1.0, beta=0.0):
    """Give every BatchNormalization layer of ``model`` these statistics and parameters."""
    for layer in model.layers:
        if type(layer).__name__ == "BatchNormalization":
            size = layer.gamma.shape[0]
            layer.set_weights([np.full(size, gamma), np.full(size, beta), np.full(size, mean),
                               np.full(size, variance)])


def block_model(keras, make_block, input_shape, *args, **kwargs):
    """Model(X_input, make_block(X_input, *args, **kwargs)), built after clear_session()."""
    keras.backend.clear_session()
    X_input = keras.Input(input_shape)
    return keras.Model(X_input, make_block(X_input, *args, **kwargs))


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_identity_block_with_known_statistics_in_a_model(keras, blocks, implementation):
    identity_block = blocks[implementation][0]
    model = block_model(keras, identity_block, (4, 4, 3), 2, [4, 4, 3], initializer=ones)
    # moving mean 1 and moving variance 1 - eps: with training=False, BN(x) = (x - 1) / sqrt(1) = x - 1.
    set_batchnorm(model, mean=1.0, variance=1 - EPS)
    X = uniform_batch(1)
    #   CONV 1x1: 3 -> BN: 2 -> ReLU: 2.
    #   CONV 2x2 'same': 16 terms x 2 = 32 inside, 8 x 2 = 16 on the edges, 4 x 2 = 8 in the corner; BN: 31, 15, 7.
    #   CONV 1x1: 4 channels summed: 124, 60, 28;  BN: 123, 59, 27.  Add the shortcut 1, ReLU: 124, 60, 28.
    expected = np.full((4, 4), 124.0)
    expected[3, :3] = expected[:3, 3] = 60.0
    expected[3, 3] = 28.0
    predicted = model.predict(X, verbose=0)  # predict runs the model with training=False
    for channel in range(3):
        np.testing.assert_allclose(predicted[0, :, :, channel], expected, rtol=1e-5)
    # training=True: one image of equal pixels has, in every channel of every layer, zero variance:
    # every BN outputs beta = 0, the main path is 0, and the block returns ReLU(0 + x) = x = 1.
    np.testing.assert_allclose(convert_to_numpy(model(X, training=True)), 1.0, atol=1e-6)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_convolutional_block_with_known_statistics_in_a_model(keras, blocks, implementation):
    convolutional_block = blocks[implementation][1]
    model = block_model(keras, convolutional_block, (4, 4, 3), 2, [2, 4, 6], s=2, initializer=ones)
    set_batchnorm(model, mean=1.0, variance=1 - EPS)  # BN(x) = x - 1 with training=False
    #   Main path: CONV 1x1/2: 3 -> BN: 2 -> ReLU 2.  CONV 2x2 'same' on 2x2 (2 channels): 8 terms x 2 = 16,
    #     4 x 2 = 8, 2 x 2 = 4;  BN: 15, 7, 3.  CONV 1x1 (4 channels): 60, 28, 12;  BN: 59, 27, 11.
    #   Shortcut: CONV 1x1/2: 3 -> BN: 2.   Add, ReLU: 61, 29, 13.
    predicted = model.predict(uniform_batch(1), verbose=0)
    for channel in range(6):
        np.testing.assert_allclose(predicted[0, :, :, channel], [[61, 29], [29, 13]], rtol=1e-5)


def test_training_argument_reaches_every_batchnorm(keras):
    """training=True baked in at build time: a plain model(X) call uses the batch's statistics."""
    from helpers import models

    X = uniform_batch(-1, 1)
    results = {}
    for training in (None, True, False):
        model = block_model(keras, models.identity_block, (4, 4, 3), 1, [4, 4, 3], initializer=ones,
                            training=training)
        calls = [node.arguments.kwargs.get("training", "not passed") for layer in model.layers
                 if type(layer).__name__ == "BatchNormalization" for node in layer._inbound_nodes]
        # None is not passed on at all: an explicit training=None stops the layer (and every later one) from
        # following model(X, training=True) in keras-nightly 3.16 (helpers.models._batch_norm).
        assert calls == ["not passed" if training is None else training] * 3
        results[training] = convert_to_numpy(model(X))[1, 0, 0, 0]
    # None and False: a plain call uses the fresh moving averages (BN multiplies by c). For the image of 1,
    # with f=1 every pixel is alike: CONV 3 -> 3c, CONV (4 channels) 12c -> 12c^2, CONV 48c^2 -> 48c^3,
    # plus the shortcut 1. True: the batch's statistics, as in test_identity_block_training_true_by_hand.
    assert results[None] == pytest.approx(48 * c ** 3 + 1, rel=1e-6)
    assert results[False] == pytest.approx(results[None], rel=1e-6)
    assert results[True] == pytest.approx(1 + n(2 * n(2 * n(3))), rel=1e-5)


def test_block_names_follow_the_course(keras):
    from helpers import models

    model = block_model(keras, models.convolutional_block, (8, 8, 3), 3, [4, 4, 8], s=2, stage=3, block="a")
    named = [layer.name for layer in model.layers if type(layer).__name__ in ("Conv2D", "BatchNormalization")]
    assert sorted(named) == sorted(["res3a_branch2a", "bn3a_branch2a", "res3a_branch2b", "bn3a_branch2b",
                                    "res3a_branch2c", "bn3a_branch2c", "res3a_branch1", "bn3a_branch1"])
    model = block_model(keras, models.identity_block, (8, 8, 8), 3, [4, 4, 8], stage=3, block="b")
    named = [layer.name for layer in model.layers if type(layer).__name__ in ("Conv2D", "BatchNormalization")]
    assert named == ["res3b_branch2a", "bn3b_branch2a", "res3b_branch2b", "bn3b_branch2b",
                     "res3b_branch2c", "bn3b_branch2c"]
    with pytest.raises(ValueError, match="both stage and block"):
        models.identity_block(keras.Input((8, 8, 8)), 3, [4, 4, 8], stage=3)
    with pytest.raises(ValueError, match=r"filters must be three numbers \[F1, F2, F3\]"):
        models.identity_block(keras.Input((8, 8, 8)), 3, [4, 8])


def test_identity_block_needs_F3_equal_to_the_input_channels(keras):
    from helpers import models

    with pytest.raises(ValueError):
        models.identity_block(keras.Input((8, 8, 3)), 3, [4, 4, 8])


# ---- ResNet50 ---------------------------------------------------------------------------------------


def test_resnet50_parameters_and_stage_shapes(keras):
    from helpers import models
    from helpers.checks import count_params, layer_table

    keras.backend.clear_session()
    model = models.ResNet50(input_shape=(64, 64, 3), classes=6)
    assert model.name == "ResNet50"
    assert model.count_params() == 23_600_006
    assert count_params(model.trainable_weights) == 23_546_886
    assert count_params(model.non_trainable_weights) == 53_120  # moving mean and variance of 53 BN layers
    rows = {row["name"]: row for row in layer_table(model)}
    assert rows["conv1"]["output_shape"] == (None, 32, 32, 64)  # (64 + 2*3 - 7) // 2 + 1 = 32
    assert rows["conv1"]["params"] == 7 * 7 * 3 * 64 + 64
    after_block = {"bn2c_branch2c": (15, 15, 256), "bn3d_branch2c": (8, 8, 512),
                   "bn4f_branch2c": (4, 4, 1024), "bn5c_branch2c": (2, 2, 2048)}
    for name, shape in after_block.items():
        assert rows[name]["output_shape"] == (None, *shape), name
    assert rows["avg_pool"]["output_shape"] == (None, 1, 1, 2048)
    assert rows["fc6"]["params"] == 2048 * 6 + 6 and rows["fc6"]["settings"]["activation"] == "softmax"
    classes = [row["class"] for row in layer_table(model)]
    assert classes.count("Conv2D") == 53 and classes.count("BatchNormalization") == 53
    assert classes.count("Add") == 16  # 3 + 4 + 6 + 3 blocks


def test_resnet50_at_224_with_global_pooling_matches_keras_applications(keras):
    from helpers import models

    keras.backend.clear_session()
    ours = models.ResNet50(input_shape=(224, 224, 3), classes=1000, global_pooling=True)
    theirs = keras.applications.ResNet50(weights=None)
    assert ours.count_params() == theirs.count_params() == 25_636_712
    assert (sorted(tuple(w.shape) for w in ours.weights) == sorted(tuple(w.shape) for w in theirs.weights))


# ---- the learner checks of notebooks 05-07 ---------------------------------------------------------------


def test_check_identity_block_passes_the_reference(keras, capsys):
    from helpers import models
    from helpers.checks import check_identity_block

    check_identity_block(models.identity_block)
    assert capsys.readouterr().out == "identity_block matches the reference: layers, shortcut and training.\n"


def test_check_convolutional_block_passes_the_reference_and_catches_an_identity_shortcut(keras, capsys):
    from helpers import models
    from helpers.checks import CheckFailed, check_convolutional_block

    check_convolutional_block(models.convolutional_block)
    assert capsys.readouterr().out == ("convolutional_block matches the reference for s = 2 and s = 1: layers, "
                                       "shortcut and training.\n")
    with pytest.raises(CheckFailed, match="neither comes from the block.s input through the shortcut.s 1x1 CONV"):
        check_convolutional_block(lambda X, f, filters, s=2, **kwargs: models.identity_block(X, f, filters, **kwargs), strict=True)


def written_out_identity_block(slip):
    """The course's identity block written out in a file by a learner, with one slip (None: none)."""
    import keras
    from keras.layers import Activation, Add, BatchNormalization, Conv2D

    def identity_block(X, f, filters, training=None, initializer=keras.initializers.GlorotUniform, stage=None,
                       block=None):
        conv_base = None if stage is None else f"res{stage}{block}_branch"
        bn_base = None if stage is None else f"bn{stage}{block}_branch"

        def named(base, suffix):
            return None if base is None else base + suffix

        F1, F2, F3 = filters
        X_shortcut = X
        X = Conv2D(F1, 1, name=named(conv_base, "2a"), kernel_initializer=initializer(seed=0))(
            X, **({"scale": 2} if slip == "unknown argument" else {}))
        X = BatchNormalization(axis=3, name=named(bn_base, "2a"))(X, training=training)
        X = Activation("relu")(X)
        X = Conv2D(F2, f, padding="same", name=named(conv_base, "2b"), kernel_initializer=initializer(seed=0))(X)
        X = BatchNormalization(axis=3, name=named(bn_base, "2b"))(X, training=training)
        X = Activation("relu")(X)
        X = Conv2D(F3, 1, name=named(conv_base, "2c"), kernel_initializer=initializer(seed=0))(X)
        X = BatchNormalization(axis=3, name=named(bn_base, "2c"))(X, training=training)
        X = Add()([X, X_shortcut])
        return Activation("relu")(X)

    if slip == "no stage in the signature":
        return (lambda X, f, filters, training=None, initializer=keras.initializers.GlorotUniform:
                identity_block(X, f, filters, training, initializer))
    return identity_block


@pytest.mark.parametrize("slip, says", [
    ("unknown argument", r"raised TypeError: got an unexpected keyword argument 'scale' \(line \d+: X = Conv2D\(F1"),
    ("no stage in the signature", r"Calling your identity_block failed: .*unexpected keyword argument 'stage'.* Keep "
                                  r"the signature of the exercise"),
])
def test_check_identity_block_shows_the_learners_line_and_the_signature(keras, slip, says):
    """An error raised in the learner's code is shown with the learner's line, its code too when Python can read it
    (here a file's; course/slips.py's slips run from strings, whose lines show as numbers only), and a signature
    without stage and block is named."""
    from helpers.checks import CheckFailed, check_identity_block

    if slip == "unknown argument":  # once: written out without a slip, the block passes
        assert check_identity_block(written_out_identity_block(None), strict=True) is not None
    with pytest.raises(CheckFailed, match=says):
        check_identity_block(written_out_identity_block(slip), strict=True)


def test_check_resnet50_passes_the_reference_and_names_a_missing_block(keras, capsys):
    from helpers import models
    from helpers.checks import CheckFailed, check_resnet50

    check_resnet50(models.ResNet50)
    assert capsys.readouterr().out == "ResNet50 matches the reference: 177 layers, 23,600,006 parameters\n"
    short_stage_4 = [row if row[0] != 4 else (4, row[1], 5, row[3]) for row in models.STAGES]
    with pytest.raises(CheckFailed, match=r"^Stage 4 has 5 blocks \(a, b, c, d, e\), expected 6"):
        check_resnet50(lambda input_shape, classes: models.ResNet50(input_shape, classes, stages=short_stage_4),
                       strict=True)


def test_resnet50_stage_table_and_keras_applications_switches(keras):
    from helpers import models

    notes = [row if row[0] != 3 else (3, [128, 128, 256], 4, 2) for row in models.STAGES]
    assert models.ResNet50(stages=notes).count_params() == 23_600_006 - 628_992
    padded = models.ResNet50(input_shape=(224, 224, 3), pad_before_max_pool=True)
    assert padded.get_layer("bn2a_branch2a").output.shape[1:3] == (56, 56)
    assert models.ResNet50(input_shape=(224, 224, 3)).get_layer("bn2a_branch2a").output.shape[1:3] == (55, 55)


# ---- notebook 07's figures: the block map, the confusion matrix, the class probabilities --------------


def test_block_overview_groups_resnet50_into_stem_sixteen_blocks_and_head(keras):
    from helpers import models
    from helpers.plots import block_overview

    parts = block_overview(models.ResNet50())
    assert [part["name"] for part in parts][:4] == ["stage 1", "block 2a", "block 2b", "block 2c"]
    assert [part["kind"] for part in parts].count("convolutional") == 4
    assert [part["kind"] for part in parts].count("identity") == 12
    assert parts[-1]["name"] == "output" and parts[-1]["kind"] == "head"
    assert parts[-1]["layers"][0] == "avg_pool" and parts[-1]["layers"][-1] == "fc6" and len(parts[-1]["layers"]) == 3
    assert sum(len(part["layers"]) for part in parts) == 177
    assert parts[0]["output_shape"] == (None, 15, 15, 64) and parts[-2]["output_shape"] == (None, 2, 2, 2048)


def test_show_block_overview_draws_a_png_and_refuses_a_model_without_blocks(keras, tmp_path):
    from PIL import Image

    from helpers import models
    from helpers.plots import show_block_overview

    image = show_block_overview(models.ResNet50(), to_file=tmp_path / "map.png")
    assert image.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "block 5c" in image.description
    with Image.open(tmp_path / "map.png") as drawn:
        assert drawn.height > 1.5 * drawn.width > 0  # one box per part, one above the other
    with pytest.raises(ValueError, match="no layers named like the course's ResNet blocks"):
        show_block_overview(models.HappyModel(), to_file=tmp_path / "happy.png")


def test_plot_confusion_matrix_counts_pairs():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.plots import plot_confusion_matrix

    fig = plot_confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], class_names=["a", "b", "c"], title="t")
    assert fig.confusion.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 2]]
    ax = fig.axes[0]
    assert ax.get_title() == "t, 5 images" and ax.get_xlabel() == "predicted class" and ax.get_ylabel()
    plt.close(fig)
    with pytest.raises(ValueError, match="one label per example"):
        plot_confusion_matrix([0, 1], [0], class_names=["a", "b"])


def test_show_class_probabilities_draws_one_bar_per_class():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.plots import show_class_probabilities

    probabilities = np.array([[0.1, 0.7, 0.2]])
    fig = show_class_probabilities(np.zeros((1, 64, 64, 3)), probabilities, ["0", "1", "2"], title="mine")
    bars = fig.axes[1]
    assert [patch.get_height() for patch in bars.patches] == pytest.approx([0.1, 0.7, 0.2])
    assert bars.get_title() == "prediction: 1 (p = 0.70)" and fig._suptitle.get_text() == "mine"
    plt.close(fig)
    with pytest.raises(ValueError, match="3 values for 2 classes"):
        show_class_probabilities(np.zeros((64, 64, 3)), probabilities, ["0", "1"], title="t")
