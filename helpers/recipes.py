"""The training recipes of the lessons, in one place: notebook 07 trains with them, and `make bench` times them.

A recipe is the part of training that is not the model: how many epochs, the batch size, the learning-rate
schedule, and what is done with BatchNormalization's statistics. The model, the optimizer (Adam) and the loss
(categorical cross-entropy for SIGNS) are the course's.
"""
from dataclasses import dataclass

import keras
import numpy as np


@dataclass(frozen=True)
class Recipe:
    """epochs, batch_size -- as given to ``fit``
    learning_rate        -- the highest learning rate of Adam, reached after the warm-up
    warmup_epochs        -- epochs over which the learning rate climbs linearly from 0 (0: no warm-up)
    bn_batch_size        -- batch size of the forward passes that recompute BatchNormalization's statistics
                            after training (``helpers.training.recompute_batchnorm_statistics``); None: not done
    bn_images            -- how many training images (the first ones) those statistics are computed from; None: all
    ema_momentum         -- None, or keep an exponential moving average of the weights with this momentum
                            (Adam's ``use_ema``), which replaces the weights when training ends
    label_smoothing      -- of the categorical cross-entropy: the targets become 1 - ls + ls/C and ls/C
    residual_gamma       -- None (the course: 1), or start every residual block close to the identity: the scale
                            (gamma) of the last BatchNormalization of each block's main path set to this before
                            training (``scale_last_gamma``)
    mirror               -- mirror each training image left-right with probability 1/2, anew every epoch
                            (``data``: a hand sign means the same with the left hand as with the right)
    """
    epochs: int
    batch_size: int
    learning_rate: float
    warmup_epochs: float = 0.0
    bn_batch_size: int | None = None
    bn_images: int | None = None
    ema_momentum: float | None = None
    label_smoothing: float = 0.0
    residual_gamma: float | None = None
    mirror: bool = False

    def steps_per_epoch(self, n_train):
        return int(np.ceil(n_train / self.batch_size))

    def schedule(self, n_train):
        """The learning rate at each step: a linear warm-up to ``learning_rate``, then a cosine decay to 0."""
        steps = self.epochs * self.steps_per_epoch(n_train)
        warmup = int(round(self.warmup_epochs * self.steps_per_epoch(n_train)))
        if not warmup:
            return keras.optimizers.schedules.CosineDecay(initial_learning_rate=self.learning_rate, decay_steps=steps)
        return keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.0, decay_steps=steps - warmup,
                                                      warmup_target=self.learning_rate, warmup_steps=warmup)

    def optimizer(self, n_train):
        """Adam with the schedule (and the moving average of the weights, if the recipe keeps one)."""
        if self.ema_momentum is None:
            return keras.optimizers.Adam(learning_rate=self.schedule(n_train))
        return keras.optimizers.Adam(learning_rate=self.schedule(n_train), use_ema=True,
                                     ema_momentum=self.ema_momentum)

    def data(self, X, Y, seed=0):
        """The training batches for ``fit``: ``helpers.training.shuffled_batches`` with the recipe's batch size
        (reshuffled every epoch, without tf.data's autotuning), mirrored if the recipe says so. Pass
        ``shuffle=False`` to fit: the batches are already shuffled."""
        from helpers.training import shuffled_batches
        return shuffled_batches(X, Y, self.batch_size, seed=seed, mirror=self.mirror)

    def loss(self):
        return keras.losses.CategoricalCrossentropy(label_smoothing=self.label_smoothing)


def scale_last_gamma(model, value):
    """Set the scale (gamma) of the last BatchNormalization of every residual block's main path (the course's
    names: bn<stage><block>_branch2c) to ``value``: with a small value each block starts close to passing its
    input through unchanged (Goyal et al., 2017, set it to 0). Returns the number of layers changed."""
    layers = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)
              and layer.name.startswith("bn") and layer.name.endswith("_branch2c")]
    for layer in layers:
        layer.gamma.assign(np.full(layer.gamma.shape, value, dtype="float32"))
    return len(layers)


# Notebook 07: ResNet50 on SIGNS (1080 training images). `make bench` times it; notebook 07 says why each value.
RESNET50_SIGNS = Recipe(epochs=5, batch_size=32, learning_rate=1e-3, bn_batch_size=270, bn_images=540,
                        label_smoothing=0.1, residual_gamma=0.1, mirror=True)
