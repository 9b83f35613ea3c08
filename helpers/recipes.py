"""The training recipe of notebook 07, in one place, for the notebook and every measurement of it:
``recipe.compile(model, n_train)``, then ``history = recipe.fit(model, X_train, Y_train)``."""
from dataclasses import dataclass

import keras
import numpy as np


@dataclass(frozen=True)
class Recipe:
    """Training without the model (Adam and the categorical cross-entropy are the course's).

    epochs, batch_size -- as given to ``fit``
    learning_rate      -- Adam's learning rate at the first step; it decays along a cosine to 0 at the last
    label_smoothing    -- of the cross-entropy: the targets become 1 - ls + ls/C and ls/C
    residual_gamma     -- None: every BatchNormalization keeps its gamma as initialised (1, the course). A number:
                          the gamma of each residual block's last BatchNormalization starts at it
    mirror             -- mirror each training image left-right with probability 1/2, anew every epoch
    bn_images          -- None: keep the moving averages training left. A number: after training, replace them
                          with the statistics of that many training images (the first ones)
    bn_batch_size      -- the batch size of those forward passes (None: all bn_images in one)
    """
    epochs: int
    batch_size: int
    learning_rate: float
    label_smoothing: float = 0.0
    residual_gamma: float | None = None
    mirror: bool = False
    bn_images: int | None = None
    bn_batch_size: int | None = None

    def steps_per_epoch(self, n_train):
        return int(np.ceil(n_train / self.batch_size))

    def schedule(self, n_train):
        """The learning rate at each step: a cosine decay from ``learning_rate`` to 0 over all the steps."""
        return keras.optimizers.schedules.CosineDecay(initial_learning_rate=self.learning_rate,
                                                      decay_steps=self.epochs * self.steps_per_epoch(n_train))

    def compile(self, model, n_train, metrics=("accuracy",)):
        """Set the blocks' last gamma (if the recipe says so; returns how many) and compile ``model``."""
        changed = 0 if self.residual_gamma is None else scale_last_gamma(model, self.residual_gamma)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=self.schedule(n_train)),
                      loss=keras.losses.CategoricalCrossentropy(label_smoothing=self.label_smoothing),
                      metrics=list(metrics))
        return changed

    def data(self, X, Y, seed=0):
        """The training batches for ``fit`` (``helpers.training.shuffled_batches``)."""
        from helpers.training import shuffled_batches
        return shuffled_batches(X, Y, self.batch_size, seed=seed, mirror=self.mirror)

    def fit(self, model, X, Y, seed=0, verbose=2, callbacks=None):
        """Train a model compiled with ``compile``: its variables, ``fit``, then the BatchNorm statistics."""
        from helpers.training import create_training_variables, recompute_batchnorm_statistics
        create_training_variables(model, X, Y)
        history = model.fit(self.data(X, Y, seed=seed), epochs=self.epochs, shuffle=False, verbose=verbose,
                            callbacks=callbacks)
        if self.bn_images is not None:
            recompute_batchnorm_statistics(model, X[:self.bn_images], batch_size=self.bn_batch_size)
        return history


def scale_last_gamma(model, value):
    """Set the gamma of each block's last BatchNormalization (bn*_branch2c) to ``value``; return how many."""
    layers = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)
              and layer.name.startswith("bn") and layer.name.endswith("_branch2c")]
    for layer in layers:
        layer.gamma.assign(np.full(layer.gamma.shape, value, dtype="float32"))
    return len(layers)


# Notebook 07: ResNet50 on SIGNS (1080 training images); notebook 07 says why each value.
RESNET50_SIGNS = Recipe(epochs=5, batch_size=32, learning_rate=1e-3, label_smoothing=0.1, residual_gamma=0.1,
                        mirror=True, bn_images=540, bn_batch_size=270)
