"""helpers.experiments (notebook 03) and the lesson code of notebooks 03 and 04 (BatchNorm and initialisation)."""
import matplotlib
import numpy as np
import pytest

from helpers import experiments, plots  # helpers first: it silences TensorFlow before Keras loads it
from helpers.checks import CheckFailed, compare_models, count_params
from notebook_code import lesson_namespace

import keras  # noqa: E402

matplotlib.use("Agg")


# ---- helpers.experiments -------------------------------------------------------------------------


def test_downsample_averages_blocks_of_pixels():
    X = np.arange(2 * 4 * 4 * 3, dtype=np.uint8).reshape(2, 4, 4, 3)
    small = experiments.downsample(X, factor=2)
    assert small.shape == (2, 2, 2, 3) and small.dtype == np.float32
    assert small[1, 0, 1, 2] == pytest.approx(X[1, 0:2, 2:4, 2].mean())
    with pytest.raises(ValueError, match="multiple of factor=3"):
        experiments.downsample(X, factor=3)


@pytest.mark.parametrize("depth", [8, 20])
def test_plain_and_residual_networks_have_the_depth_and_the_same_parameters(depth):
    plain = experiments.plain_or_residual_cnn(depth, residual=False, input_shape=(16, 16, 3))
    residual = experiments.plain_or_residual_cnn(depth, residual=True, input_shape=(16, 16, 3))
    weighted = [layer for layer in plain.layers if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))]
    assert len(weighted) == depth
    assert plain.count_params() == residual.count_params()
    n_blocks = (depth - 2) // 2
    assert sum(isinstance(layer, keras.layers.Add) for layer in residual.layers) == n_blocks
    assert not any(isinstance(layer, keras.layers.Add) for layer in plain.layers)
    assert residual.output.shape == (None, 6) and plain.name == f"plain{depth}"


def test_plain_or_residual_cnn_rejects_a_depth_it_cannot_build():
    with pytest.raises(ValueError, match="depth=9"):
        experiments.plain_or_residual_cnn(9, residual=True)


def test_dense_stack_layout():
    stack = experiments.dense_stack(3, 8, "relu", "he_normal", batch_norm=True)
    assert [kind for kind, _ in stack] == ["dense", "bn", "act"] * 3 + ["logits"]
    assert all(not layer.use_bias for kind, layer in stack if kind == "dense")  # BN's beta replaces the bias


def test_layer_gradients_show_a_vanishing_sigmoid_and_a_level_he_relu():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(32, 20)).astype(np.float32), rng.integers(0, 6, size=32)
    keras.utils.set_random_seed(0)
    sigmoid = experiments.layer_gradients(
        experiments.dense_stack(10, 32, "sigmoid", keras.initializers.RandomNormal(stddev=0.05)), X, Y)
    keras.utils.set_random_seed(0)
    he = experiments.layer_gradients(experiments.dense_stack(10, 32, "relu", "he_normal"), X, Y)
    assert len(sigmoid["kernel"]) == 11 and len(sigmoid["activation"]) == 10
    assert sigmoid["kernel"][0] / sigmoid["kernel"][-1] < 1e-6
    assert 0.1 < he["kernel"][1] / he["kernel"][9] < 10
    assert np.all(sigmoid["kernel"] > 0), "float64 norms must not underflow to zero"


# ---- notebook 03's lesson code against helpers.experiments ---------------------------------------


def test_notebook03_basic_block_matches_helpers():
    lesson = lesson_namespace("03_why_resnets.ipynb", "basic_block")
    for residual in (True, False):
        keras.backend.clear_session()
        X_input = keras.Input((8, 8, 16))
        mine = keras.Model(X_input, lesson["basic_block"](X_input, 16, 1, residual=residual))
        keras.backend.clear_session()
        X_input = keras.Input((8, 8, 16))
        reference = keras.Model(X_input, experiments.basic_block(X_input, 16, 1, residual=residual))
        assert compare_models(mine, reference) == len(reference.layers)


def test_notebook03_gradient_norms_match_helpers():
    lesson = lesson_namespace("03_why_resnets.ipynb", "forward", "gradient_norms")
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(16, 12)).astype(np.float32), rng.integers(0, 6, size=16)
    keras.utils.set_random_seed(0)
    stack = experiments.dense_stack(5, 16, "relu", "glorot_uniform", batch_norm=True)
    loss, kernels, activations = lesson["gradient_norms"](stack, X, Y)
    reference = experiments.layer_gradients(stack, X, Y)
    assert loss == pytest.approx(reference["loss"], rel=1e-6)
    np.testing.assert_allclose(kernels, reference["kernel"], rtol=1e-5)
    np.testing.assert_allclose(activations, reference["activation"], rtol=1e-5)


# ---- notebook 04's exercises ---------------------------------------------------------------------


@pytest.mark.parametrize("shape, epsilon", [((4, 5, 5, 3), 1e-3), ((2, 3, 7, 8), 1e-5)])
def test_notebook04_batchnorm_forward_matches_keras_in_training_mode(shape, epsilon):
    lesson = lesson_namespace("04_batchnorm_and_init.ipynb", "batchnorm_forward")
    rng = np.random.default_rng(2)
    Z = (rng.normal(loc=2.0, size=shape) * rng.uniform(0.1, 5.0, size=shape[-1])).astype(np.float32)
    gamma, beta = rng.uniform(0.5, 2.0, size=shape[-1]), rng.normal(size=shape[-1])
    layer = keras.layers.BatchNormalization(axis=3, epsilon=epsilon)
    layer.build(shape)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    expected = keras.ops.convert_to_numpy(layer(Z, training=True))
    np.testing.assert_allclose(lesson["batchnorm_forward"](Z.astype(np.float64), gamma, beta, epsilon), expected,
                               atol=1e-4)
    inference = keras.ops.convert_to_numpy(layer(Z, training=False))  # moving statistics: not the same thing
    assert not np.allclose(inference, expected, atol=1e-2)


def test_notebook04_batchnorm_param_counts_match_keras():
    lesson = lesson_namespace("04_batchnorm_and_init.ipynb", "batchnorm_param_counts")
    for input_shape, axis in [((64, 64, 8), 3), ((64, 64, 8), 1), ((32, 16, 5), -1), ((7,), 1)]:
        layer = keras.layers.BatchNormalization(axis=axis)
        layer.build((None,) + input_shape)
        expected = (count_params(layer.trainable_weights), count_params(layer.non_trainable_weights))
        assert lesson["batchnorm_param_counts"](input_shape, axis) == expected


def test_notebook04_check_names_the_likely_mistake():
    lesson = lesson_namespace("04_batchnorm_and_init.ipynb", "batchnorm_forward", "check_batchnorm_forward")
    check = lesson["check_batchnorm_forward"]

    def unbiased(Z, gamma, beta, epsilon=1e-3):
        return gamma * (Z - Z.mean(axis=(0, 1, 2))) / np.sqrt(Z.var(axis=(0, 1, 2), ddof=1) + epsilon) + beta

    def all_axes(Z, gamma, beta, epsilon=1e-3):
        return gamma * (Z - Z.mean()) / np.sqrt(Z.var() + epsilon) + beta

    with pytest.raises(CheckFailed, match="biased variance"):
        check(unbiased)
    with pytest.raises(CheckFailed, match=r"axes \(0, 1, 2\)"):
        check(all_axes)


# ---- the plots of notebooks 03 and 04 -------------------------------------------------------------


def _titled_and_labelled(fig):
    assert fig._suptitle is not None and fig._suptitle.get_text()
    return [ax for ax in fig.axes if ax.get_visible() and ax.axison]


def test_plots_have_titles_and_labelled_axes():
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    fig = plots.plot_layer_norms({"panel": ("norm", {"a": [1.0, 0.1, 0.01], "b": [1.0, 1.0, 1.0]})}, title="t")
    for ax in _titled_and_labelled(fig):
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_yscale() == "log"
    fig = plots.plot_degradation({("plain", 8): [1.0, 0.5], ("residual", 8): [1.0, 0.4]}, title="t")
    assert [ax.get_xlabel() for ax in _titled_and_labelled(fig)] == ["epoch", "epoch"]
    assert fig.axes[0].get_ylabel()
    fig = plots.plot_activation_histograms([rng.uniform(size=100) for _ in range(7)], title="t")
    assert fig._supxlabel.get_text() and fig._supylabel.get_text() and len(_titled_and_labelled(fig)) == 7
    fig = plots.plot_histograms_with_theory({"u": rng.uniform(-1, 1, 500)}, {"u": lambda x: 0 * x + 0.5}, title="t")
    for ax in _titled_and_labelled(fig):
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    fig = plots.show_image_rows({"a": rng.uniform(size=(2, 4, 4, 3)), "b": rng.normal(size=(2, 4, 4, 3))}, title="t")
    assert fig.axes[0].get_ylabel() == "a"
    plt.close("all")
