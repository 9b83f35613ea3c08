"""helpers.recipes (notebook 07's training recipe) and the pure parts of course/bench.py (`make bench`).

The benchmark itself measures time, so it is run by `make bench`, not here; these tests check what its numbers
are made of: the learning-rate schedule, the starting scale of the residual blocks, the FLOP count that turns
images per second into a share of the machine's peak, and how a run's figures are summarised.
"""
import dataclasses

import keras
import numpy as np
import pytest

from helpers import models
from helpers.recipes import RESNET50_SIGNS, Recipe, scale_last_gamma
from helpers.training import create_training_variables


def load_bench():
    from course import bench
    return bench


def test_schedule_decays_from_the_learning_rate_to_zero_along_a_cosine():
    schedule = Recipe(epochs=2, batch_size=10, learning_rate=1e-3).schedule(n_train=95)  # 10 steps an epoch
    rates = np.array([float(schedule(step)) for step in range(21)])
    assert rates[0] == pytest.approx(1e-3) and rates[10] == pytest.approx(5e-4) and rates[20] == pytest.approx(0, abs=1e-9)
    assert np.all(np.diff(rates) < 0)


def small_resnet_like():
    """Two blocks named as the course names them, each ending in a BatchNormalization bn<stage><block>_branch2c."""
    X_input = keras.Input((4, 4, 2))
    X = X_input
    for block in "ab":
        X = keras.layers.Conv2D(2, 1, name=f"res2{block}_branch2c")(X)
        X = keras.layers.BatchNormalization(name=f"bn2{block}_branch2c")(X)
    X = keras.layers.Dense(3, activation="softmax")(keras.layers.GlobalAveragePooling2D()(X))
    return keras.Model(X_input, X)


def test_compile_applies_every_field_and_none_gamma_leaves_gamma_as_initialised():
    recipe = Recipe(epochs=3, batch_size=8, learning_rate=2e-3, label_smoothing=0.2, residual_gamma=0.1)
    model = small_resnet_like()
    assert recipe.compile(model, n_train=40) == 2
    assert all(np.allclose(np.asarray(model.get_layer(f"bn2{b}_branch2c").gamma), 0.1) for b in "ab")
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(2e-3)  # the schedule at step 0
    assert model.loss.get_config()["label_smoothing"] == 0.2
    untouched = small_resnet_like()
    assert dataclasses.replace(recipe, residual_gamma=None).compile(untouched, n_train=40) == 0
    assert all(np.allclose(np.asarray(untouched.get_layer(f"bn2{b}_branch2c").gamma), 1.0) for b in "ab")


def test_fit_trains_on_the_recipes_batches_and_recomputes_the_statistics_only_when_asked():
    rng = np.random.default_rng(0)
    X = rng.normal(2.0, 1.0, size=(24, 4, 4, 2)).astype("float32")
    Y = np.eye(3, dtype="float32")[rng.integers(0, 3, 24)]
    for bn_images, moved in ((None, False), (16, True)):
        keras.utils.set_random_seed(0)
        model = small_resnet_like()
        recipe = Recipe(epochs=2, batch_size=8, learning_rate=1e-3, bn_images=bn_images, bn_batch_size=None)
        recipe.compile(model, n_train=len(X))
        history = recipe.fit(model, X, Y, verbose=0)
        assert len(history.history["loss"]) == 2 and model.optimizer.iterations.numpy() == 6
        layer = model.get_layer("bn2a_branch2c")
        inputs = keras.Model(model.input, layer.input)(X[:16], training=True)
        exact = np.asarray(inputs).mean(axis=(0, 1, 2))
        assert np.allclose(np.asarray(layer.moving_mean), exact, atol=1e-5) == moved, bn_images


def test_the_recipe_has_no_field_that_nothing_reads():
    source = (__import__("pathlib").Path(__file__).resolve().parent.parent / "helpers" / "recipes.py").read_text()
    body = source[source.index("    def steps_per_epoch"):]
    for field in dataclasses.fields(Recipe):
        assert f"self.{field.name}" in body, f"Recipe.{field.name} is read nowhere"


def test_scale_last_gamma_touches_the_last_batchnorm_of_each_of_the_16_blocks():
    model = models.ResNet50(input_shape=(64, 64, 3), classes=6)
    assert scale_last_gamma(model, 0.1) == 16
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            expected = 0.1 if layer.name.endswith("_branch2c") else 1.0
            assert np.allclose(np.asarray(layer.gamma), expected), layer.name


def test_resnet50_seed_changes_the_starting_weights_and_0_is_the_course():
    a = models.ResNet50(input_shape=(64, 64, 3), classes=6).get_layer("conv1").get_weights()[0]
    b = models.ResNet50(input_shape=(64, 64, 3), classes=6, seed=0).get_layer("conv1").get_weights()[0]
    c = models.ResNet50(input_shape=(64, 64, 3), classes=6, seed=1).get_layer("conv1").get_weights()[0]
    assert np.array_equal(a, b) and not np.allclose(a, c)


def test_forward_flops_counts_convolutions_and_dense_layers():
    bench = load_bench()
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)      # 2 * 3*3*3*4 * 8*8 = 13,824
    x = keras.layers.BatchNormalization()(x)                     # not counted
    x = keras.layers.Conv2D(2, 1, strides=2)(x)                  # 2 * 1*1*4*2 * 4*4 = 256
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(5)(x)                           # 2 * 32 * 5 = 320
    assert bench.forward_flops(keras.Model(inputs, outputs)) == 13_824 + 256 + 320


def test_resnet50_forward_flops_are_about_0_6_gflop_per_image():
    """The figure that makes 'share of peak': He et al. give 3.8 GFLOPs (multiply-adds) at 224x224; at 64x64
    the feature maps are (64/224)^2 as large."""
    bench = load_bench()
    gflop = bench.forward_flops(models.ResNet50(input_shape=(64, 64, 3), classes=6)) / 1e9
    assert 0.55 < gflop < 0.7, gflop


def test_spread_summarises_repeats():
    bench = load_bench()
    assert bench.spread([3.0, 1.0, 2.0]) == {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3,
                                              "values": [3.0, 1.0, 2.0]}


def test_bench_refuses_an_unknown_recipe_field():
    import argparse

    bench = load_bench()
    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    with pytest.raises(SystemExit, match="no field 'epoch'"):
        bench.main(parser.parse_args(["--recipe", "epoch=3", "--skip-throughput"]))


class CountingModel(keras.Model):
    """A functional model that counts how often its training step runs as Python: once per tracing."""
    traces = 0

    def train_step(self, data):
        self.traces += 1
        return super().train_step(data)


def small_compiled_model():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8,))
    hidden = keras.layers.BatchNormalization()(keras.layers.Dense(4)(inputs))
    model = CountingModel(inputs, keras.layers.Dense(3, activation="softmax")(hidden))
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def test_create_training_variables_makes_fit_trace_its_step_once_and_changes_nothing_else():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 8)).astype("float32")
    Y = np.eye(3, dtype="float32")[rng.integers(0, 3, 40)]
    histories, weights = [], []
    for variables_first in (False, True):
        model = small_compiled_model()
        before = [w.copy() for w in model.get_weights()]
        if variables_first:
            n = create_training_variables(model, X, Y)
            assert n == len(model.optimizer.variables) and n >= 2 * len(model.trainable_variables)
            assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights())), \
                "creating the variables must not change a weight or a BatchNormalization statistic"
            assert all(float(v) == 0 for metric in model.metrics for v in metric.variables), "metrics not reset"
        history = model.fit(X, Y, batch_size=10, epochs=2, shuffle=False, verbose=0)
        # Keras creates Adam's and the metrics' variables while tracing the first step, and a tf.function that
        # creates variables is traced again: twice without the helper, once with it.
        assert model.traces == (1 if variables_first else 2)
        histories.append(history.history)
        weights.append(model.get_weights())
    assert histories[0].keys() == histories[1].keys()
    for name in histories[0]:
        np.testing.assert_allclose(histories[0][name], histories[1][name], rtol=1e-6, err_msg=name)
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_create_training_variables_needs_a_compiled_model():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    with pytest.raises(ValueError, match="not compiled"):
        create_training_variables(model, np.zeros((2, 2)), np.zeros((2, 1)))


def one_epoch(batches):
    """The batches of one epoch, as fit reads them (by index, then on_epoch_end)."""
    epoch = [batches[index] for index in range(len(batches))]
    batches.on_epoch_end()
    return epoch


def test_shuffled_batches_reshuffle_every_epoch():
    from helpers.training import shuffled_batches

    X = np.arange(70, dtype="float32").reshape(70, 1)
    Y = np.eye(2, dtype="float32")[np.arange(70) % 2]
    batches = shuffled_batches(X, Y, batch_size=32, seed=3)
    assert isinstance(batches, keras.utils.PyDataset)  # NumPy batches: the same on every backend
    epochs = [one_epoch(batches) for _ in range(2)]
    for epoch in epochs:
        assert [len(x) for x, _ in epoch] == [32, 32, 6], "the last batch is smaller, as with fit(X, Y)"
        seen = np.concatenate([x[:, 0] for x, _ in epoch])
        assert sorted(seen) == list(range(70)), "every example once per epoch"
        for x, y in epoch:
            np.testing.assert_array_equal(y, Y[x[:, 0].astype(int)]), "labels stay with their images"
    first, second = (np.concatenate([x[:, 0] for x, _ in epoch]) for epoch in epochs)
    assert not np.array_equal(first, second), "a new order every epoch"
    again = np.concatenate([x[:, 0] for x, _ in one_epoch(shuffled_batches(X, Y, 32, seed=3))])
    np.testing.assert_array_equal(again, first)
    with pytest.raises(ValueError, match="one row per example"):
        shuffled_batches(X, Y[:10], 32)


def test_shuffled_batches_mirror_about_half_the_images_anew_every_epoch():
    from helpers.training import shuffled_batches

    m = 200
    X = np.zeros((m, 2, 3, 1), dtype="float32")
    X[:, 0, 0, 0] = np.arange(m)  # the image's number, top left; it moves to the top right when mirrored
    X[:, 1, 0, 0] = 1000.0  # and a marker in the bottom left
    Y = np.eye(2, dtype="float32")[np.arange(m) % 2]
    batches = shuffled_batches(X, Y, batch_size=32, seed=5, mirror=True)

    def epoch():
        mirrored = {}
        for x, y in one_epoch(batches):
            flipped = x[:, 1, 2, 0] == 1000.0
            np.testing.assert_array_equal(x[flipped], X[x[flipped][:, 0, 2, 0].astype(int)][:, :, ::-1])
            number = np.where(flipped, x[:, 0, 2, 0], x[:, 0, 0, 0]).astype(int)
            np.testing.assert_array_equal(y, Y[number])  # labels stay with their images
            mirrored.update(dict(zip(number.tolist(), flipped.tolist())))
        assert sorted(mirrored) == list(range(m))  # every image once, mirrored or not
        return mirrored
    first, second = epoch(), epoch()
    assert 0.35 * m < sum(first.values()) < 0.65 * m
    assert first != second  # other images are mirrored in the next epoch
    # the same seed, new batches: the same images mirrored in the same order
    runs = [[x for x, _ in one_epoch(shuffled_batches(X, Y, batch_size=32, seed=5, mirror=True))] for _ in range(2)]
    np.testing.assert_array_equal(np.concatenate(runs[0]), np.concatenate(runs[1]))


def test_the_recipe_gives_fit_its_batches():
    X = np.arange(70, dtype="float32").reshape(70, 1, 1, 1) * np.ones((1, 2, 2, 1), dtype="float32")
    Y = np.eye(2, dtype="float32")[np.arange(70) % 2]
    plain = Recipe(epochs=1, batch_size=32, learning_rate=1e-3)
    assert [len(x) for x, _ in one_epoch(plain.data(X, Y))] == [32, 32, 6]
    for x, _ in one_epoch(plain.data(X, Y)):  # not mirrored: the columns are as given
        np.testing.assert_array_equal(x, X[x[:, 0, 0, 0].astype(int)])
    X[:, :, 1, :] += 0.5  # the right column differs from the left: a mirrored image shows it
    flipped = sum(int((x[:, 0, 0, 0] % 1 == 0.5).sum()) for x, _ in one_epoch(RESNET50_SIGNS.data(X, Y)))
    assert RESNET50_SIGNS.mirror and 15 < flipped < 55


def test_fit_reads_the_shuffled_batches_in_order_without_tf_data_autotuning():
    """fit takes ShuffledBatches through Keras' own ordered queue (two threads): the batches of every epoch are those
    of reading them one by one, and on TensorFlow the tf.data pipeline has autotuning off (with it on, some epochs
    of notebook 07 took twice as long)."""
    from keras.src.trainers.data_adapters import get_data_adapter

    from helpers.training import shuffled_batches

    X = np.arange(70 * 4, dtype="float32").reshape(70, 2, 2, 1)
    Y = np.eye(2, dtype="float32")[np.arange(70) % 2]
    direct = shuffled_batches(X, Y, 32, seed=4, mirror=True)
    expected = [one_epoch(direct) for _ in range(2)]
    adapter = get_data_adapter(shuffled_batches(X, Y, 32, seed=4, mirror=True))
    assert adapter.enqueuer is not None
    for epoch in expected:
        adapter.on_epoch_begin()
        read = list(adapter.get_numpy_iterator())
        adapter.on_epoch_end()
        assert len(read) == len(epoch)
        for (x, y), (x_expected, y_expected) in zip(read, epoch):
            np.testing.assert_array_equal(x, x_expected)
            np.testing.assert_array_equal(y, y_expected)
    if keras.backend.backend() == "tensorflow":
        assert adapter.get_tf_dataset().options().autotune.enabled is False
