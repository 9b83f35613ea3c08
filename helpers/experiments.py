"""The plumbing behind notebook 03's experiments (why ResNets); the lesson code itself is in the notebook.

- ``dense_stack``: a deep fully connected network, one ``Dense`` (optionally + BatchNormalization) per
  layer, returned as a plain list of layers so that the notebook's forward pass can be written out by hand.
- ``downsample``: shrink images by averaging blocks of pixels, so the degradation experiment runs in minutes.
- ``train_from_seeds``: train one network from several starting weights, building and compiling it once.
"""
import numpy as np

from helpers.i18n import _


def downsample(X, factor=2):
    """Average ``factor`` x ``factor`` pixel blocks: (m, n_H, n_W, n_C) -> (m, n_H/factor, n_W/factor, n_C).

    X      -- array of images, float or uint8; n_H and n_W must be multiples of ``factor``
    Returns float32 images of the same value range (no rescaling).
    """
    X = np.asarray(X, dtype=np.float32)
    m, n_H, n_W, n_C = X.shape
    if n_H % factor or n_W % factor:
        raise ValueError(_("downsample: image size {n_H}x{n_W} is not a multiple of factor={factor}.").format(
            n_H=n_H, n_W=n_W, factor=factor))
    return X.reshape(m, n_H // factor, factor, n_W // factor, factor, n_C).mean(axis=(2, 4))


def fresh_initializer(initializer, index):
    """A new initializer like ``initializer`` for layer number ``index``, so that no two layers share a kernel.

    In Keras 3 an initializer *object* returns the same values every time it is called with the same shape,
    seeded or not: passing one object to several layers gives them all the same kernel. A name such as
    "he_normal" or an unseeded object becomes a new, unseeded object (Keras draws its seed from the seeded
    global generator, so runs still repeat); a seeded object gets the seed ``seed + index``.
    """
    import keras
    template = keras.initializers.get(initializer)
    config = template.get_config()
    if config.get("seed") is not None:
        config["seed"] = config["seed"] + index
    return type(template).from_config(config)


def dense_stack(n_layers, units, activation, kernel_initializer, batch_norm=False, classes=6, name="layer"):
    """The layers of a deep fully connected network, as a list (not a Model), in forward order.

    n_layers           -- number of hidden Dense layers (each followed by ``activation``)
    units              -- width of every hidden layer
    activation         -- "sigmoid", "relu", ...
    kernel_initializer -- a Keras initializer (object or name); every Dense layer gets a fresh copy of it
                          (``fresh_initializer``), so each layer draws its own kernel
    batch_norm         -- put BatchNormalization between each hidden Dense and its activation
                          (the Dense then has no bias: BatchNormalization's beta replaces it)
    classes            -- units of the final softmax-free classifier layer (logits)

    Returns a list of (kind, layer) pairs: kind is "dense", "bn", "act" or "logits".
    """
    from keras import layers
    stack = []
    for index in range(1, n_layers + 1):
        stack.append(("dense", layers.Dense(units, kernel_initializer=fresh_initializer(kernel_initializer, index),
                                            use_bias=not batch_norm, name=f"{name}{index}")))
        if batch_norm:
            stack.append(("bn", layers.BatchNormalization(name=f"bn{index}")))
        stack.append(("act", layers.Activation(activation, name=f"{activation}{index}")))
    stack.append(("logits", layers.Dense(classes, kernel_initializer=fresh_initializer(kernel_initializer, n_layers + 1),
                                         name="logits")))
    return stack


def train_from_seeds(build, seeds, X, y, epochs, batch_size, learning_rate=1e-3, measure=None):
    """Train the network ``build()`` from the starting weights of each seed in turn, building and compiling it once.

    build         -- function of no arguments returning a new, uncompiled Keras model; it is called right after
                     ``keras.utils.set_random_seed(seed)``, so its initializers draw that seed's starting weights
    seeds         -- the seeds, e.g. (0, 1, 2)
    X, y          -- the training images and their integer labels
    epochs, batch_size, learning_rate -- for Adam and the sparse categorical cross-entropy, as ``fit`` uses them
    measure       -- None, or a function ``measure(model)`` called before and after each training (e.g. gradient
                     norms on one batch); its results are returned
    Returns {seed: {"loss": [training loss of each epoch], "before": measure(model), "after": measure(model)}}
    ("before" and "after" only with ``measure``).

    Why not a new model for every seed on TensorFlow: before its first step, ``fit`` turns the training step into a
    graph (a ``tf.function`` traced and optimised once per model), and for a deep network on small images that
    costs about as much as the training itself. Here it is made once. (On JAX and PyTorch a new model is built for
    every seed.) For every seed the weights (moving averages
    included) are replaced by the starting weights of a fresh ``build()``, and Adam's state (its moment estimates
    and step count) goes back to its start, so each training is the one a new model would give.
    """
    import keras
    from helpers.training import create_training_variables
    def compiled(seed):
        keras.utils.set_random_seed(seed)
        model = build()
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
        create_training_variables(model, X[:2], y[:2])
        return model

    seeds = list(seeds)
    reuse = keras.backend.backend() == "tensorflow"  # elsewhere a new model costs no tracing: simply build one
    model = compiled(seeds[0]) if reuse else None
    optimizer_start = [np.array(variable) for variable in model.optimizer.variables] if reuse else None
    results = {}
    for seed in seeds:
        if reuse:
            keras.utils.set_random_seed(seed)
            model.set_weights(build().get_weights())
            for variable, value in zip(model.optimizer.variables, optimizer_start):
                variable.assign(value)
        else:
            model = compiled(seed)
        result = {"before": measure(model)} if measure else {}
        keras.utils.set_random_seed(seed)  # the shuffles a new model's fit would make
        history = model.fit(X, y, batch_size=batch_size, epochs=epochs, verbose=0)
        result["loss"] = [float(loss) for loss in history.history["loss"]]
        if measure:
            result["after"] = measure(model)
        results[seed] = result
    return results
