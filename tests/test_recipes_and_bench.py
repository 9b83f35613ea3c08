"""helpers.recipes (the training recipes of the lessons) and the pure parts of scripts/bench.py (`make bench`).

The benchmark itself measures time, so it is run by `make bench`, not here; these tests check what its numbers
are made of: the learning-rate schedule, the starting scale of the residual blocks, the FLOP count that turns
images per second into a share of the machine's peak, and how a run's figures are summarised.
"""
import dataclasses
import importlib.util
from pathlib import Path

import keras
import numpy as np
import pytest

from helpers import models
from helpers.recipes import RESNET50_SIGNS, Recipe, scale_last_gamma

ROOT = Path(__file__).resolve().parent.parent


def load_bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_schedule_warms_up_then_decays_to_zero():
    recipe = Recipe(epochs=4, batch_size=32, learning_rate=2e-3, warmup_epochs=1)
    schedule = recipe.schedule(n_train=320)  # 10 steps an epoch, 40 in all
    rates = np.array([float(schedule(step)) for step in range(41)])
    assert rates[0] == 0 and rates[10] == pytest.approx(2e-3)
    assert np.all(np.diff(rates[:11]) > 0), "the warm-up must climb"
    assert np.all(np.diff(rates[10:]) <= 1e-12), "after the warm-up the rate only falls"
    assert rates[40] == pytest.approx(0, abs=1e-9)


def test_schedule_without_warmup_starts_at_the_peak():
    schedule = Recipe(epochs=2, batch_size=10, learning_rate=1e-3).schedule(n_train=95)  # 10 steps an epoch
    assert float(schedule(0)) == pytest.approx(1e-3) and float(schedule(20)) == pytest.approx(0, abs=1e-9)


def test_optimizer_and_loss_follow_the_recipe():
    recipe = dataclasses.replace(RESNET50_SIGNS, ema_momentum=0.98, label_smoothing=0.1)
    optimizer = recipe.optimizer(1080)
    assert isinstance(optimizer, keras.optimizers.Adam) and optimizer.use_ema and optimizer.ema_momentum == 0.98
    assert recipe.loss().get_config()["label_smoothing"] == 0.1
    plain = Recipe(epochs=1, batch_size=32, learning_rate=1e-3)
    assert not plain.optimizer(10).use_ema and plain.loss().get_config()["label_smoothing"] == 0


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


def test_bench_refuses_an_unknown_recipe_field(capsys):
    bench = load_bench()
    with pytest.raises(SystemExit):
        bench.main(["--recipe", "epoch=3"])
    assert "no field 'epoch'" in capsys.readouterr().err
