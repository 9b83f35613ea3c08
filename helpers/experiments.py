"""The plumbing behind notebook 03's experiments (why ResNets); the lesson code itself is in the notebook.

- ``dense_stack``: a deep fully connected network, one ``Dense`` (optionally + BatchNormalization) per
  layer, returned as a plain list of layers so that the notebook's forward pass can be written out by hand.
- ``downsample``: shrink images by averaging blocks of pixels, so the degradation experiment runs in minutes.
"""
import numpy as np


def downsample(X, factor=2):
    """Average ``factor`` x ``factor`` pixel blocks: (m, n_H, n_W, n_C) -> (m, n_H/factor, n_W/factor, n_C).

    X      -- array of images, float or uint8; n_H and n_W must be multiples of ``factor``
    Returns float32 images of the same value range (no rescaling).
    """
    X = np.asarray(X, dtype=np.float32)
    m, n_H, n_W, n_C = X.shape
    if n_H % factor or n_W % factor:
        raise ValueError(f"downsample: image size {n_H}x{n_W} is not a multiple of factor={factor}.")
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
