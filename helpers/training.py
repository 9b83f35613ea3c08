"""BatchNormalization's moving averages, brought up to date after a short training (notebooks 04 and 07).

During training every BatchNormalization normalises with the statistics of the current batch and keeps
moving averages of them (momentum 0.99) for ``evaluate`` and ``predict``. After a few hundred steps those
averages still hold part of their starting values and of the statistics of early weights, so the model
``evaluate`` sees is not the model that was trained. ``recompute_batchnorm_statistics`` replaces them with
the statistics of the training images under the final weights ("precise BatchNorm": Wu and Johnson,
*Rethinking "Batch" in BatchNorm*, 2021). No weight changes, and no test image is used.
"""
import keras
import numpy as np


def batchnorm_layers(model):
    """Every BatchNormalization layer of ``model``, in order (looking inside nested models too)."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found.extend(batchnorm_layers(layer))
    return found


def recompute_batchnorm_statistics(model, X, batch_size=None):
    """Set every BatchNormalization's moving mean and variance to the statistics of the images X.

    model      -- a built Keras model
    X          -- training images, array (m, n_H, n_W, n_C), as the model receives them (e.g. X_train)
    batch_size -- None: X passes as one batch (exact statistics). An int: X passes in batches of that size
                  and the per-batch means and variances are averaged (for an X too large for memory);
                  the variance then leaves out how the batch means differ, a small underestimate.
    With the momentum set to 0 for the call, a training-mode forward pass writes the batch's statistics
    into the moving averages; the momentum is restored afterwards. Trainable weights do not change.
    Returns the number of BatchNormalization layers updated.
    Raises ValueError if the model has no BatchNormalization or X is empty.
    """
    layers = batchnorm_layers(model)
    if not layers:
        raise ValueError(f"Model {model.name!r} has no BatchNormalization layer: there is nothing to recompute.")
    X = np.asarray(X)
    if len(X) == 0:
        raise ValueError("X is empty: pass the training images, e.g. recompute_batchnorm_statistics(model, X_train).")
    batch_size = len(X) if batch_size is None else int(batch_size)
    momenta = [layer.momentum for layer in layers]
    sums = [[np.zeros(layer.moving_mean.shape), np.zeros(layer.moving_variance.shape)] for layer in layers]
    n_batches = 0
    try:
        for layer in layers:
            layer.momentum = 0.0  # moving average = 0 x old value + 1 x this batch's statistic
        for start in range(0, len(X), batch_size):
            model(X[start:start + batch_size], training=True)  # one forward pass: updates the averages only
            for total, layer in zip(sums, layers):
                total[0] += np.asarray(layer.moving_mean)
                total[1] += np.asarray(layer.moving_variance)
            n_batches += 1
    finally:
        for layer, momentum in zip(layers, momenta):
            layer.momentum = momentum
    if n_batches > 1:
        for (mean, variance), layer in zip(sums, layers):
            layer.moving_mean.assign(mean / n_batches)
            layer.moving_variance.assign(variance / n_batches)
    return len(layers)


class BatchNormStatisticsCallback(keras.callbacks.Callback):
    """At the end of every epoch, recompute the BatchNormalization statistics, then evaluate on (X_val, Y_val).

    Use it instead of ``validation_data`` when the learning curves should show the model as it will be
    evaluated at the end: ``val_loss`` and ``val_accuracy`` (any compiled metric, with the ``val_`` prefix)
    are measured with statistics brought up to date, so the curve ends at the final test accuracy.
    X_train    -- the images the statistics are computed on
    validation -- (X_val, Y_val)
    batch_size -- passed to ``recompute_batchnorm_statistics``
    """

    def __init__(self, X_train, validation, batch_size=None):
        super().__init__()
        self.X_train = X_train
        self.X_val, self.Y_val = validation
        self.batch_size = batch_size

    def on_epoch_end(self, epoch, logs=None):
        recompute_batchnorm_statistics(self.model, self.X_train, batch_size=self.batch_size)
        results = self.model.evaluate(self.X_val, self.Y_val, verbose=0, return_dict=True)
        if logs is not None:
            logs.update({"val_" + name: value for name, value in results.items()})
