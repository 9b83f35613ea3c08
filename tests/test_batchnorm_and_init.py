"""helpers.experiments (notebook 03), the BatchNormalization checks and helpers.training (notebooks 04, 07)."""
import matplotlib
import numpy as np
import pytest

from helpers import experiments, plots, training  # helpers first: it silences TensorFlow before Keras loads it
from helpers.checks import CheckFailed, check_batchnorm_forward, check_batchnorm_param_counts

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


def test_dense_stack_layout():
    stack = experiments.dense_stack(3, 8, "relu", "he_normal", batch_norm=True)
    assert [kind for kind, _ in stack] == ["dense", "bn", "act"] * 3 + ["logits"]
    assert all(not layer.use_bias for kind, layer in stack if kind == "dense")  # BN's beta replaces the bias


@pytest.mark.parametrize("initializer", [keras.initializers.RandomNormal(stddev=0.05), "he_normal",
                                         keras.initializers.GlorotUniform(seed=3)],
                         ids=["unseeded object", "name", "seeded object"])
def test_dense_stack_gives_every_layer_its_own_kernel(initializer):
    keras.utils.set_random_seed(0)
    stack = experiments.dense_stack(4, 8, "relu", initializer)
    X = np.ones((2, 8), dtype=np.float32)
    for kind, layer in stack:
        X = layer(X)
    kernels = [layer.kernel.numpy() for kind, layer in stack if kind == "dense"]
    assert all(k.shape == (8, 8) for k in kernels)
    for i in range(len(kernels)):
        for j in range(i + 1, len(kernels)):
            assert not np.array_equal(kernels[i], kernels[j]), f"layers {i + 1} and {j + 1} share a kernel"
    keras.utils.set_random_seed(0)  # and the stack is still reproducible
    again = experiments.dense_stack(4, 8, "relu", initializer)
    X = np.ones((2, 8), dtype=np.float32)
    for kind, layer in again:
        X = layer(X)
    assert np.array_equal(again[0][1].kernel.numpy(), kernels[0])


# ---- notebook 04's exercise checks ------------------------------------------------------------------


def keras_batchnorm_forward(Z, gamma, beta, epsilon=1e-3):
    """BatchNormalization(axis=3) in training mode, computed by Keras itself: what the check must accept."""
    layer = keras.layers.BatchNormalization(axis=3, epsilon=epsilon)
    layer.build(Z.shape)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    return keras.ops.convert_to_numpy(layer(Z.astype("float32"), training=True))


def test_check_batchnorm_forward_accepts_keras_and_names_a_wrong_shape(capsys):
    """The slips it names are in the mutation matrix (test_exercise_checks.py); here: Keras passes, and the shape."""
    check_batchnorm_forward(keras_batchnorm_forward)
    assert capsys.readouterr().out == "batchnorm_forward matches Keras' BatchNormalization(axis=3) in training mode.\n"
    with pytest.raises(CheckFailed, match="returned shape"):
        check_batchnorm_forward(lambda Z, g, b, e: Z.mean(axis=(0, 1, 2)), strict=True)
    with pytest.raises(CheckFailed, match="not written yet"):
        check_batchnorm_forward(lambda Z, g, b, e: (_ for _ in ()).throw(NotImplementedError()), strict=True)


def test_check_batchnorm_param_counts_accepts_the_rule(capsys):
    check_batchnorm_param_counts(lambda shape, axis: (2 * ((None,) + tuple(shape))[axis],) * 2)
    assert capsys.readouterr().out == "batchnorm_param_counts: all 5 cases match Keras.\n"


# ---- helpers.training: the moving averages brought up to date ---------------------------------------


def small_bn_model():
    keras.utils.set_random_seed(0)
    X_input = keras.Input((6, 6, 2))
    X = keras.layers.Conv2D(3, 3, padding="same", name="conv")(X_input)
    X = keras.layers.BatchNormalization(axis=3, name="bn")(X)
    X = keras.layers.Flatten()(X)
    return keras.Model(X_input, keras.layers.Dense(2, activation="softmax", name="fc")(X))


def test_recompute_batchnorm_statistics_sets_the_statistics_of_the_data_and_keeps_the_weights():
    model = small_bn_model()
    X = np.random.default_rng(0).normal(2.0, 3.0, size=(40, 6, 6, 2)).astype(np.float32)
    weights = [w.numpy().copy() for w in model.trainable_weights]
    assert training.recompute_batchnorm_statistics(model, X) == 1
    Z = keras.ops.convert_to_numpy(model.get_layer("conv")(X))
    bn = model.get_layer("bn")
    np.testing.assert_allclose(bn.moving_mean.numpy(), Z.mean(axis=(0, 1, 2)), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), Z.var(axis=(0, 1, 2)), rtol=1e-3)
    assert bn.momentum == 0.99
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(weights, model.trainable_weights))
    # In batches, the per-batch statistics are averaged: the mean is exact, the variance a little lower.
    training.recompute_batchnorm_statistics(model, X, batch_size=10)
    np.testing.assert_allclose(bn.moving_mean.numpy(), Z.mean(axis=(0, 1, 2)), rtol=1e-4, atol=1e-5)
    assert np.all(bn.moving_variance.numpy() <= Z.var(axis=(0, 1, 2)) * 1.0001)


def test_recompute_batchnorm_statistics_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="has no BatchNormalization layer"):
        training.recompute_batchnorm_statistics(keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]),
                                                np.zeros((2, 3)))
    with pytest.raises(ValueError, match="X is empty"):
        training.recompute_batchnorm_statistics(small_bn_model(), np.zeros((0, 6, 6, 2)))


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


def test_train_from_seeds_gives_each_seed_the_training_a_new_model_would_get():
    import keras

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(24, 6, 6, 3)).astype("float32"), rng.integers(0, 3, 24)

    def build():
        X_input = keras.Input((6, 6, 3))
        X_out = keras.layers.Conv2D(4, 3, kernel_initializer="he_normal")(X_input)
        X_out = keras.layers.BatchNormalization()(X_out)
        X_out = keras.layers.GlobalAveragePooling2D()(keras.layers.Activation("relu")(X_out))
        return keras.Model(X_input, keras.layers.Dense(3, activation="softmax")(X_out))

    results = experiments.train_from_seeds(build, [0, 1], X, y, epochs=2, batch_size=8,
                                           measure=lambda model: model.get_weights()[0].copy())
    for seed in (0, 1):
        keras.utils.set_random_seed(seed)
        fresh = build()
        fresh.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
        start = fresh.get_weights()[0].copy()
        keras.utils.set_random_seed(seed)
        losses = fresh.fit(X, y, batch_size=8, epochs=2, verbose=0).history["loss"]
        np.testing.assert_array_equal(results[seed]["before"], start)
        np.testing.assert_allclose(results[seed]["loss"], losses, rtol=1e-6)
        np.testing.assert_allclose(results[seed]["after"], fresh.get_weights()[0], rtol=1e-5, atol=1e-7)
    assert not np.array_equal(results[0]["before"], results[1]["before"])
