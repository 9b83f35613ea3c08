"""The exercise checks, slip by slip (the mutation matrix), and how they behave in a workbook.

Every graded exercise of the course has at least four typical slips here, and each must be caught by its check
with its own targeted message (the table SLIPS: exercise, slip, a function with that slip, the message).
``python tests/test_exercise_checks.py`` prints the table with the messages the checks give.
"""
import functools
import re

import numpy as np
import pytest

from helpers import checks
from helpers.checks import CheckFailed


@pytest.fixture(scope="module", autouse=True)
def quiet_session():
    from helpers.session import setup

    setup(seed=0, verbose=False)


# ---- slipped versions of the exercises ---------------------------------------------------------------


def block(X, f, filters, s=1, training=None, initializer=None, stage=None, block=None, *, projection, slip=None):
    """The course's identity block (projection=False) or convolutional block (projection=True), with one slip."""
    from keras.initializers import glorot_uniform
    from keras.layers import Activation, Add, BatchNormalization, Conv2D

    from helpers.models import _block_names, _name

    initializer = initializer or glorot_uniform
    conv, bn = _block_names(stage, block)
    F1, F2, F3 = filters
    first_stride, middle_stride = ((1, 1), (s, s)) if slip == "stride on the middle CONV" else ((s, s), (1, 1))
    passed = {} if slip == "training not passed on" else {"training": training}
    X_shortcut = X
    X = Conv2D(F1, 1, strides=first_stride, name=_name(conv, "2a"), kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3, name=_name(bn, "2a"))(X, **passed)
    X = Activation("relu")(X)
    if slip == "shortcut saved after the first ReLU":
        X_shortcut = X
    X = Conv2D(F2, f, strides=middle_stride, padding="valid" if slip == "'valid' middle CONV" else "same",
               name=_name(conv, "2b"), kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3, name=_name(bn, "2b"))(X, **passed)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, name=_name(conv, "2c"), kernel_initializer=initializer(seed=0))(X)
    if slip != "missing BatchNormalization":
        X = BatchNormalization(axis=3, name=_name(bn, "2c"))(X, **passed)
    if slip == "ReLU before the addition":
        X = Activation("relu")(X)
    if projection:
        stride = (1, 1) if slip == "shortcut CONV without the stride" else (s, s)
        X_shortcut = Conv2D(F3, 1, strides=stride, name=_name(conv, "1"),
                            kernel_initializer=initializer(seed=0))(X_shortcut)
        if slip != "no BatchNormalization on the shortcut":
            X_shortcut = BatchNormalization(axis=3, name=_name(bn, "1"))(X_shortcut, **passed)
    X = Add()([X, X] if slip == "main path added to itself" else [X, X_shortcut])
    if slip != "ReLU before the addition":
        X = Activation("relu")(X)
    return X


def identity(slip):
    return functools.partial(block, projection=False, slip=slip)


def convolutional(slip):
    return functools.partial(block, projection=True, slip=slip)


def small_cnn(pad=3, filters=32, kernel=7, padding="valid", axis=3, pool=True, units=1, activation="sigmoid",
              name="HappyModel", index=0, stride=1):
    """HappyModel (or, with other arguments, TinySignsModel) with the settings a slip changes."""
    def make(input_shape):
        from keras.layers import (Activation, BatchNormalization, Conv2D, Dense, Flatten, Input, MaxPooling2D,
                                  ZeroPadding2D)
        from keras.models import Model

        X_input = Input(input_shape)
        X = ZeroPadding2D((pad, pad))(X_input) if pad else X_input
        X = Conv2D(filters, (kernel, kernel), strides=(stride, stride), padding=padding, name=f"conv{index}")(X)
        X = BatchNormalization(axis=axis, name=f"bn{index}")(X)
        X = Activation("relu")(X)
        if pool:
            X = MaxPooling2D((2, 2), name="max_pool")(X)
        X = Flatten()(X)
        X = Dense(units, activation=activation, name="fc")(X)
        return Model(inputs=X_input, outputs=X, name=name)
    return make


tiny = functools.partial(small_cnn, pad=1, filters=16, kernel=3, stride=2, index=1, units=6, activation="softmax",
                         name="TinySignsModel")


def resnet(stages=None, swap=None):
    """helpers.models.ResNet50 with another stage table, or with one layer class swapped for another."""
    def make(input_shape, classes):
        import keras

        from helpers import models

        model = models.ResNet50(input_shape, classes, stages=stages or models.STAGES)
        if swap is None:
            return model

        def clone(layer):
            config = layer.get_config()
            if type(layer).__name__ == swap[0]:
                return swap[1](config)
            return layer.__class__.from_config(config)
        return keras.models.clone_model(model, clone_function=clone)
    return make


def max_pool(config):
    from keras.layers import MaxPooling2D

    return MaxPooling2D(pool_size=config["pool_size"], name=config["name"])


def dense_without_softmax(config):
    from keras.layers import Dense

    return Dense.from_config({**config, "activation": "linear"})


def stage_table(**changes):
    from helpers.models import STAGES

    return [changes.get(f"stage{stage}", (stage, filters, n, s)) for stage, filters, n, s in STAGES]


def bn_forward(variance_ddof=0, axes=(0, 1, 2), eps_inside=True, scale=True):
    def forward(Z, gamma, beta, epsilon=1e-3):
        mu, var = Z.mean(axis=axes), Z.var(axis=axes, ddof=variance_ddof)
        Z_hat = (Z - mu) / (np.sqrt(var + epsilon) if eps_inside else np.sqrt(var) + epsilon)
        return gamma * Z_hat + beta if scale else Z_hat
    return forward


def block_count(projection, no_bias=False, bn_per_channel=4, all_f=False, middle_input="F1", no_shortcut=False):
    def count(n_C, f, filters):
        F1, F2, F3 = filters
        b = 0 if no_bias else 1
        k = f * f if all_f else 1
        middle_in = F1 if middle_input == "F1" else n_C
        total = (k * n_C + b) * F1 + (f * f * middle_in + b) * F2 + (k * F2 + b) * F3
        total += bn_per_channel * (F1 + F2 + F3)
        if projection and not no_shortcut:
            total += (k * n_C + b) * F3 + bn_per_channel * F3
        return total
    return count


TINY = {"conv": (3 * 3 * 3 + 1) * 16, "bn": 4 * 16, "fc": (16 * 16 * 16 + 1) * 6}

# exercise check, slip, the learner's function with that slip (made when the test runs), the message it must give
SLIPS = [
    ("check_one_hot", "rows instead of columns", lambda: lambda Y, C: np.eye(C)[Y.reshape(-1)],
     r"one column per example\. Transpose"),
    ("check_one_hot", "Y not flattened", lambda: lambda Y, C: np.eye(C)[Y].T, r"Did you flatten Y"),
    ("check_one_hot", "classes counted from Y", lambda: lambda Y, C: np.eye(Y.max() + 1)[Y.reshape(-1)].T,
     r"use C for the number of classes"),
    ("check_one_hot", "a list", lambda: lambda Y, C: np.eye(C)[Y.reshape(-1)].T.tolist(),
     r"returned a list, expected a NumPy array"),
    ("check_one_hot", "labels off by one", lambda: lambda Y, C: np.eye(C)[Y.reshape(-1) - 1].T,
     r"column 0 \(example 0, label 1\) is \[1\.0, 0\.0, 0\.0, 0\.0\]"),

    ("check_tiny_signs_model", "no zero-padding", lambda: tiny(pad=0),
     r"is a Conv2D, expected a ZeroPadding2D.*Did you forget the ZeroPadding2D"),
    ("check_tiny_signs_model", "BatchNormalization(axis=1)", lambda: tiny(axis=1), r"axis is 1, expected 3\. BatchNormalization normalises the channels"),
    ("check_tiny_signs_model", "wrong units", lambda: tiny(units=10), r"units is 10, expected 6"),
    ("check_tiny_signs_model", "stride 1", lambda: tiny(stride=1), r"strides is \(1, 1\), expected \(2, 2\)"),
    ("check_tiny_signs_model", "padding='same' on conv1", lambda: tiny(padding="same"),
     r"padding is 'same', expected 'valid'\. Check the padding: 'valid' adds no border; 'same' adds one so that the "
     r"output has ceil\(n / s\) rows"),
    ("check_tiny_signs_model", "no max pooling", lambda: tiny(pool=False),
     r"is a Flatten, expected a MaxPooling2D"),

    ("check_tiny_signs_param_count", "BN counted as 2 per channel",
     lambda: lambda: TINY["conv"] + 2 * 16 + TINY["fc"], r"bn1 has 4\*C parameters"),
    ("check_tiny_signs_param_count", "no biases", lambda: lambda: 3 * 3 * 3 * 16 + 4 * 16 + 16 * 16 * 16 * 6,
     r"bias per filter or unit"),
    ("check_tiny_signs_param_count", "padding forgotten", lambda: lambda: TINY["conv"] + TINY["bn"] + (15 * 15 * 16 + 1) * 6,
     r"Count the zero-padding"),
    ("check_tiny_signs_param_count", "pooling forgotten", lambda: lambda: TINY["conv"] + TINY["bn"] + (32 * 32 * 16 + 1) * 6,
     r"max_pool halves 32x32"),

    ("check_happy_model", "no padding", lambda: small_cnn(pad=0), r"Did you forget the ZeroPadding2D"),
    ("check_happy_model", "padding='same'", lambda: small_cnn(padding="same"), r"padding is 'same', expected 'valid'"),
    ("check_happy_model", "BatchNormalization(axis=1)", lambda: small_cnn(axis=1), r"axis is 1, expected 3\. BatchNormalization normalises the channels"),
    ("check_happy_model", "wrong units", lambda: small_cnn(units=2, activation="softmax"), r"units is 2, expected 1"),
    ("check_happy_model", "softmax for one unit", lambda: small_cnn(activation="softmax"),
     r"activation is 'softmax', expected 'sigmoid'"),

    ("check_batchnorm_param_counts", "gamma only", lambda: lambda shape, axis: (((None,) + tuple(shape))[axis],) * 2,
     r"Trainable means gamma AND beta"),
    ("check_batchnorm_param_counts", "axis without the batch dimension",
     lambda: lambda shape, axis: (2 * shape[axis if axis < 0 else axis - 1 + 1 if axis < len(shape) else 0],) * 2,
     r"axis counts the batch dimension"),
    ("check_batchnorm_param_counts", "IndexError on axis 3", lambda: lambda shape, axis: (2 * shape[axis],) * 2,
     r"raised IndexError\. axis counts the batch dimension"),
    ("check_batchnorm_param_counts", "one per value", lambda: lambda shape, axis: (2 * int(np.prod(shape)),) * 2,
     r"not one per value of the input"),

    ("check_batchnorm_forward", "unbiased variance", lambda: bn_forward(variance_ddof=1), r"biased variance"),
    ("check_batchnorm_forward", "statistics over every axis", lambda: bn_forward(axes=None), r"over axes \(0, 1, 2\) only"),
    ("check_batchnorm_forward", "epsilon outside the root", lambda: bn_forward(eps_inside=False),
     r"epsilon inside the square root"),
    ("check_batchnorm_forward", "no gamma and beta", lambda: bn_forward(scale=False), r"Scale by gamma and shift by beta"),

    ("check_identity_block", "ReLU before the addition", lambda: identity("ReLU before the addition"),
     r"The ReLU comes after the addition"),
    ("check_identity_block", "'valid' middle CONV", lambda: identity("'valid' middle CONV"),
     r"the main path's output is 2x2, the shortcut's 4x4.*padding='same'"),
    ("check_identity_block", "missing BatchNormalization", lambda: identity("missing BatchNormalization"),
     r"Did you forget a BatchNormalization"),
    ("check_identity_block", "shortcut saved after the first ReLU", lambda: identity("shortcut saved after the first ReLU"),
     r"X_shortcut, the block's input saved before the first CONV"),
    ("check_identity_block", "main path added to itself", lambda: identity("main path added to itself"),
     r"Add\(\) must add the main path and X_shortcut.*yours adds the outputs of \['batch_normalization_2', "
     r"'batch_normalization_2'\]"),
    ("check_identity_block", "training not passed on", lambda: identity("training not passed on"),
     r"The first BatchNormalization of the main path \(bn2a_branch2a\) was called without training= when your "
     r"identity_block got training=False.*training=training"),

    ("check_convolutional_block", "stride on the middle CONV", lambda: convolutional("stride on the middle CONV"),
     r"\(conv2d, Conv2D\): strides is \(1, 1\), expected \(2, 2\)\. The stride s goes on the first 1x1 CONV"),
    ("check_convolutional_block", "no BatchNormalization on the shortcut",
     lambda: convolutional("no BatchNormalization on the shortcut"), r"shortcut's 1x1 CONV goes straight into Add"),
    ("check_convolutional_block", "shortcut CONV without the stride",
     lambda: convolutional("shortcut CONV without the stride"),
     r"the main path's output is 2x2, the shortcut's 4x4.*shortcut's CONV"),
    ("check_convolutional_block", "shortcut saved after the first ReLU",
     lambda: convolutional("shortcut saved after the first ReLU"), r"neither comes from the block's input"),
    ("check_convolutional_block", "'valid' middle CONV", lambda: convolutional("'valid' middle CONV"),
     r"no pixels left.*The middle CONV needs padding='same'"),

    ("check_identity_block_param_count", "no biases", lambda: block_count(False, no_bias=True), r"one bias per filter"),
    ("check_identity_block_param_count", "BN as 2 per channel", lambda: block_count(False, bn_per_channel=2),
     r"4 parameters per channel"),
    ("check_identity_block_param_count", "f x f everywhere", lambda: block_count(False, all_f=True),
     r"Only the middle CONV is f x f"),
    ("check_identity_block_param_count", "middle CONV fed n_C", lambda: block_count(False, middle_input="n_C"),
     r"input has F1 channels"),

    ("check_convolutional_block_param_count", "shortcut forgotten", lambda: block_count(True, no_shortcut=True),
     r"The shortcut has its own 1x1 CONV"),
    ("check_convolutional_block_param_count", "no biases", lambda: block_count(True, no_bias=True),
     r"one bias per filter"),
    ("check_convolutional_block_param_count", "BN as 2 per channel", lambda: block_count(True, bn_per_channel=2),
     r"4 parameters per channel"),
    ("check_convolutional_block_param_count", "f x f everywhere", lambda: block_count(True, all_f=True),
     r"Only the middle CONV is f x f"),

    ("check_resnet50", "the notes' stage 3 [128, 128, 256]",
     lambda: resnet(stage_table(stage3=(3, [128, 128, 256], 4, 2))), r"res3a_branch2c.*filters is 256, expected 512\. Check the stage's filters: in every stage F3 = 4 x F1"),
    ("check_resnet50", "a missing identity block", lambda: resnet(stage_table(stage4=(4, [256, 256, 1024], 5, 2))),
     r"Stage 4 has 5 blocks \(a, b, c, d, e\), expected 6 .*did you forget an identity block"),
    ("check_resnet50", "max pooling at the end", lambda: resnet(swap=("AveragePooling2D", max_pool)),
     r"avg_pool, MaxPooling2D\): is a MaxPooling2D, expected an AveragePooling2D"),
    ("check_resnet50", "no softmax", lambda: resnet(swap=("Dense", dense_without_softmax)),
     r"fc6, Dense\): activation is 'linear', expected 'softmax'"),
]


def slip_id(row):
    return f"{row[0].removeprefix('check_')}: {row[1]}"


@pytest.mark.parametrize("check, slip, make, message", SLIPS, ids=[slip_id(row) for row in SLIPS])
def test_the_check_names_the_slip(check, slip, make, message):
    with pytest.raises(CheckFailed) as error:
        getattr(checks, check)(make(), strict=True)
    assert re.search(message, str(error.value), flags=re.S), str(error.value)


def test_every_graded_exercise_has_four_slips_with_messages_of_their_own():
    graded = [name for name in dir(checks) if name.startswith("check_") and hasattr(getattr(checks, name), "exercise")]
    for name in graded:
        if name.endswith("_values"):
            continue  # the hidden tests of the blocks: the slips of check_identity_block and co. cover them
        patterns = [message for check, _, _, message in SLIPS if check == name]
        assert len(patterns) >= 4, f"{name} has {len(patterns)} slips in SLIPS"
        assert len(set(patterns)) == len(patterns), f"two slips of {name} expect the same message"


# ---- the same checks in a workbook: forgiving, so Run All goes on --------------------------------------


def test_a_passing_function_is_returned_as_written(capsys):
    from helpers import models

    def mine(input_shape):
        return models.HappyModel(input_shape)

    assert checks.check_happy_model(mine) is mine
    assert capsys.readouterr().out == "HappyModel matches the reference: 8 layers, 37,633 parameters\n"


def test_an_unwritten_exercise_says_so_and_the_reference_takes_over(capsys):
    from helpers import models

    def unwritten(X, f, filters, training=None, initializer=None, stage=None, block=None):
        # YOUR CODE HERE
        raise NotImplementedError()

    assert checks.check_identity_block(unwritten).__wrapped__ is models.identity_block
    assert capsys.readouterr().out.splitlines() == [
        "✗ Check failed: identity_block is not written yet: replace `raise NotImplementedError()` with your code.",
        "  Until it passes, the rest of this notebook uses the course's identity_block (helpers), so it still runs."]


def test_a_second_check_of_the_reference_it_put_in_stays_quiet(capsys):
    from helpers import models

    def unwritten(X, f, filters, training=None, initializer=None, stage=None, block=None):
        raise NotImplementedError()

    block = checks.check_identity_block(unwritten)
    capsys.readouterr()
    assert checks.check_identity_block_values(block) is block and block.__wrapped__ is models.identity_block
    assert capsys.readouterr().out == ""
    checks.check_identity_block_values(models.identity_block)  # the reference itself, given on purpose: checked
    assert capsys.readouterr().out == "identity_block computes the reference's values.\n"


def test_a_wrong_exercise_says_what_is_wrong_and_the_reference_takes_over(capsys):
    from helpers import datasets

    assert checks.check_one_hot(lambda Y, C: np.eye(C)[Y.reshape(-1)]).__wrapped__ is datasets.convert_to_one_hot
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✗ Check failed: convert_to_one_hot(Y, C) returned shape (5, 4), expected (C, m)")
    assert out[1].startswith("  Until it passes, the rest of this notebook uses the course's convert_to_one_hot")


def test_an_exception_in_the_learners_code_is_reported_with_its_line(capsys):
    import linecache

    cell = "def convert_to_one_hot(Y, C):\n    return np.eye(C)[Y.reshape(-1)].T\n"  # np is not imported
    linecache.cache["<cell>"] = (len(cell), None, cell.splitlines(True), "<cell>")  # as IPython does for a cell
    namespace = {}
    exec(compile(cell, "<cell>", "exec"), namespace)
    checks.check_one_hot(namespace["convert_to_one_hot"])
    first = capsys.readouterr().out.splitlines()[0]
    assert first == ("✗ Check failed: calling your convert_to_one_hot raised NameError: name 'np' is not defined "
                     "(line 2: return np.eye(C)[Y.reshape(-1)].T). Call convert_to_one_hot yourself in a new cell "
                     "to see the whole error.")


def test_under_nbgrader_a_failed_check_fails_the_cell(monkeypatch):
    for step in ("autograde", "validate"):
        monkeypatch.setenv("NBGRADER_EXECUTION", step)
        with pytest.raises(CheckFailed, match="not written yet"):
            checks.check_batchnorm_forward(lambda Z, gamma, beta, epsilon=1e-3: (_ for _ in ()).throw(NotImplementedError()))
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert checks.check_batchnorm_forward(bn_forward(variance_ddof=1)).__wrapped__ is checks._keras_batchnorm_forward


@pytest.mark.parametrize("projection", [False, True])
def test_the_reference_counts_of_the_block_exercises_are_keras_counts(projection):
    import keras

    from helpers import models

    for n_C, f, filters in [(3, 2, [4, 4, 3]), (256, 3, [64, 64, 256]), (64, 3, [64, 64, 256])]:
        if not projection and n_C != filters[-1]:
            continue
        X_input = keras.Input((8, 8, n_C))
        make = models.convolutional_block if projection else models.identity_block
        expected = keras.Model(X_input, make(X_input, f, filters)).count_params()
        assert checks._block_param_count(n_C, f, filters, projection) == expected


def test_the_hidden_value_checks_pass_the_reference_and_catch_a_wrong_initializer(capsys):
    from helpers import models

    checks.check_identity_block_values(models.identity_block, strict=True)
    checks.check_convolutional_block_values(models.convolutional_block, strict=True)

    def fixed_initializer(X, f, filters, s=2, training=None, initializer=None, stage=None, block=None):
        return models.convolutional_block(X, f, filters, s, training=training, stage=stage, block=block)

    with pytest.raises(CheckFailed, match=r"Use kernel_initializer=initializer\(seed=0\) in every Conv2D"):
        checks.check_convolutional_block_values(fixed_initializer, strict=True)


if __name__ == "__main__":  # print the mutation matrix: exercise | slip | the check's message
    from helpers.session import setup

    setup(seed=0, verbose=False)
    print("| exercise | slip | message |\n|---|---|---|")
    for check, slip, make, _ in SLIPS:
        try:
            getattr(checks, check)(make(), strict=True)
            message = "NOT CAUGHT"
        except CheckFailed as error:
            message = str(error).replace("\n", " ")
        print(f"| {check.removeprefix('check_')} | {slip} | {message} |")
