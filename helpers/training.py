"""Training helpers: the training set as a tf.data pipeline, the optimizer's variables created before ``fit``, and
BatchNormalization's moving averages brought up to date after a short training (notebooks 04 and 07).

During training every BatchNormalization normalises with the statistics of the current batch and keeps
moving averages of them (momentum 0.99) for ``evaluate`` and ``predict``. After a few hundred steps those
averages still hold part of their starting values and of the statistics of early weights, so the model
``evaluate`` sees is not the model that was trained. ``recompute_batchnorm_statistics`` replaces them with
the statistics of the training images under the final weights ("precise BatchNorm": Wu and Johnson,
*Rethinking "Batch" in BatchNorm*, 2021). No weight changes, and no test image is used.
"""
import keras
import numpy as np

from helpers.i18n import _


def shuffled_batches(X, Y, batch_size, seed=0, mirror=False):
    """The training set in batches, reshuffled every epoch, as a tf.data pipeline for ``fit``, without
    tf.data's autotuning.

    X, Y       -- the training images and labels (arrays with one row per example)
    batch_size -- examples per batch (the last batch of an epoch may be smaller, as with fit(X, Y))
    seed       -- the shuffles' seed: the same seed gives the same order of batches
    mirror     -- also mirror each image left-right with probability 1/2, drawn anew every epoch (seeded): a
                  label-preserving change for hands, which appear as left and right hands in SIGNS
    ``fit(X, Y, batch_size=...)`` builds a pipeline like this one itself, with autotuning on; at the start of
    every epoch it deletes the previous epoch's iterator, which waits for the autotuning thread to stop, and on
    two cores some epochs took twice as long. Pass the pipeline to ``fit`` instead of X and Y:
    ``model.fit(shuffled_batches(X, Y, 32), epochs=..., shuffle=False)`` (``shuffle=False`` because the pipeline
    shuffles; fit would only warn).
    """
    import tensorflow as tf

    X, Y = np.asarray(X, dtype="float32"), np.asarray(Y, dtype="float32")
    if len(X) != len(Y):
        raise ValueError(_("X has {m_X} examples and Y {m_Y}: they must have one row per example each.").format(
            m_X=len(X), m_Y=len(Y)))
    options = tf.data.Options()
    options.autotune.enabled = False
    batches = (tf.data.Dataset.from_tensor_slices((X, Y))
               .shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
               .batch(batch_size))
    if mirror:
        # One generator for the whole run: its state goes on from epoch to epoch, so every epoch mirrors other
        # images (a seeded random op inside map would start again, and mirror the same ones, every epoch).
        generator = tf.random.Generator.from_seed(seed + 1)

        def maybe_mirror(x, y):
            coin = generator.uniform([tf.shape(x)[0], 1, 1, 1]) < 0.5
            return tf.where(coin, tf.reverse(x, axis=[2]), x), y
        batches = batches.map(maybe_mirror)
    return batches.prefetch(1).with_options(options)


def create_training_variables(model, X, Y):
    """Create, before ``fit``, the variables that ``fit`` would otherwise create inside its first step.

    model -- a compiled Keras model
    X, Y  -- a few training examples (two are used), as ``fit`` will receive them
    On the TensorFlow backend, ``fit`` turns its training step into a graph (``tf.function``) on the first
    batch. Adam's moment estimates (two per weight) and the counters of the loss and the metrics are created
    during that first tracing, and a ``tf.function`` that creates variables is traced a second time, without
    them. For ResNet50 that second tracing is about half of the first step's 25 s. This function creates
    them beforehand, the way ``fit`` does under a distribution strategy: one inference-mode forward pass on
    two examples (no weight and no BatchNormalization statistic changes), the loss and the metrics on it,
    Adam's ``build``; the metrics are then reset, so the training logs are the same as without it.
    Returns the number of optimizer variables.
    Raises ValueError if the model is not compiled.
    """
    if not getattr(model, "compiled", False) or model.optimizer is None:
        raise ValueError(_("Model {name!r} is not compiled: call model.compile(...) before "
                           "create_training_variables(model, X, Y).").format(name=model.name))
    X, Y = X[:2], Y[:2]
    Y_pred = model(X, training=False)
    model.compute_loss(x=X, y=Y, y_pred=Y_pred)
    model.compute_metrics(X, Y, Y_pred, sample_weight=None)
    model.optimizer.build(model.trainable_variables)
    model.reset_metrics()
    return len(model.optimizer.variables)


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
        raise ValueError(_("Model {name!r} has no BatchNormalization layer: there is nothing to recompute.").format(
            name=model.name))
    X = np.asarray(X)
    if len(X) == 0:
        raise ValueError(_("X is empty: pass the training images, e.g. recompute_batchnorm_statistics(model, "
                           "X_train)."))
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

