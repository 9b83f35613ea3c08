"""Training helpers for every Keras backend: shuffled batches, the optimizer's variables created before ``fit``,
gradients, and BatchNormalization's moving averages recomputed after a short training (notebooks 04 and 07)."""
import math

import keras
import numpy as np

from helpers.i18n import _


class ShuffledBatches(keras.utils.PyDataset):
    """The training set in NumPy batches for ``fit``, in a new order every epoch from ``seed``; ``mirror``
    also mirrors each image left-right with probability 1/2: model.fit(ShuffledBatches(X, Y, 32), epochs=...,
    shuffle=False) (``shuffle=False``: fit would otherwise shuffle the batches themselves)."""

    def __init__(self, X, Y, batch_size, seed=0, mirror=False):
        # Two worker threads: Keras then takes the batches from a queue of its own (in order, with shuffle=False), and
        # on TensorFlow turns tf.data's autotuning off. Without them, 1 to 3 of ResNet50's 4 later epochs took 40-41 s
        # instead of 21.
        super().__init__(workers=2)
        self.X, self.Y = np.asarray(X, dtype="float32"), np.asarray(Y, dtype="float32")
        if len(self.X) != len(self.Y):
            raise ValueError(_("X has {m_X} examples and Y {m_Y}: they must have one row per example each.").format(
                m_X=len(self.X), m_Y=len(self.Y)))
        self.batch_size, self.mirror = int(batch_size), mirror
        self.rng = np.random.default_rng(seed)
        self.on_epoch_end()

    def __len__(self):
        return math.ceil(len(self.X) / self.batch_size)

    def __getitem__(self, index):
        chosen = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        X = self.X[chosen]
        if self.mirror:
            X = np.where(self.flip[chosen][:, None, None, None], X[:, :, ::-1], X)
        return X, self.Y[chosen]

    def on_epoch_end(self):
        """A new order, and new images to mirror, for the next epoch."""
        self.order = self.rng.permutation(len(self.X))
        self.flip = self.rng.random(len(self.X)) < 0.5


shuffled_batches = ShuffledBatches  # ShuffledBatches(X, Y, batch_size, seed=0, mirror=False)


def gradients(loss_of, variables=(), tensors=()):
    """(loss_of(*tensors) as a float, [its gradient for each of ``variables``, then ``tensors``]), on any backend."""
    variables = list(variables)
    tensors = [np.asarray(t, dtype="float32") for t in tensors]
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf
        tensors = [tf.constant(t) for t in tensors]
        with tf.GradientTape() as tape:
            tape.watch(tensors)
            loss = loss_of(*tensors)
        found = tape.gradient(loss, [v.value for v in variables] + tensors)
    elif backend == "jax":
        import jax
        def pure(values, inputs):
            with keras.StatelessScope(state_mapping=list(zip(variables, values))):
                return loss_of(*inputs)
        loss, (of_variables, of_tensors) = jax.value_and_grad(pure, argnums=(0, 1))(
            [v.value for v in variables], tensors)
        found = list(of_variables) + list(of_tensors)
    elif backend == "torch":
        import torch
        tensors = [torch.tensor(t, requires_grad=True) for t in tensors]
        loss = loss_of(*tensors)
        found = torch.autograd.grad(loss, [v.value for v in variables] + tensors, allow_unused=True)
    else:
        raise NotImplementedError(_("gradients() knows the TensorFlow, JAX and PyTorch backends, not {backend}.")
                                  .format(backend=backend))
    as_array = keras.ops.convert_to_numpy
    return float(as_array(loss)), [None if g is None else as_array(g) for g in found]


def create_training_variables(model, X, Y):
    """Create, before ``fit``, the variables it would create in its first step (on TensorFlow, twice)."""
    if not getattr(model, "compiled", False) or model.optimizer is None:
        raise ValueError(_("Model {name!r} is not compiled: call model.compile(...) before "
                           "create_training_variables(model, X, Y).").format(name=model.name))
    if keras.backend.backend() == "tensorflow":
        X, Y = X[:2], Y[:2]
        Y_pred = model(X, training=False)
        model.compute_loss(x=X, y=Y, y_pred=Y_pred)
        model.compute_metrics(X, Y, Y_pred, sample_weight=None)
        model.reset_metrics()
    model.optimizer.build(model.trainable_variables)
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
    """Set every BatchNormalization's moving mean and variance to the statistics of the
    training images X ("precise BatchNorm"); return how many layers."""
    layers = batchnorm_layers(model)
    if not layers:
        raise ValueError(_("Model {name!r} has no BatchNormalization layer: there is nothing to recompute.").format(
            name=model.name))
    X = np.asarray(X)
    if len(X) == 0:
        raise ValueError(_("X is empty: pass the training images, e.g. recompute_batchnorm_statistics(model, "
                           "X_train)."))
    batch_size = len(X) if batch_size is None else int(batch_size)
    entry = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    inputs_of = keras.Model(entry, [layer.input for layer in layers])  # what each layer receives
    sums = [[0.0, 0.0] for _ in layers]
    n_batches = 0
    for start in range(0, len(X), batch_size):
        received = inputs_of(X[start:start + batch_size], training=True)
        received = received if len(layers) > 1 else [received]
        for total, layer, values in zip(sums, layers, received):
            values = keras.ops.convert_to_numpy(values).astype(np.float64)
            axes = tuple(a for a in range(values.ndim) if a != layer.axis % values.ndim)
            total[0] = total[0] + values.mean(axis=axes)
            total[1] = total[1] + values.var(axis=axes)
        n_batches += 1
    for (mean, variance), layer in zip(sums, layers):
        layer.moving_mean.assign((mean / n_batches).astype("float32"))
        layer.moving_variance.assign((variance / n_batches).astype("float32"))
    return len(layers)
