"""Small, fast experiments behind notebook 03 (why ResNets): deep stacks, per-layer gradients, degradation.

The notebook shows the lesson-level code (the forward pass inside ``tf.GradientTape``, the residual
block); the plumbing that builds many stacks and trains them side by side lives here.

- ``dense_stack``: a deep fully connected network, one ``Dense`` (optionally + BatchNormalization) per
  layer, returned as a plain list of layers so a forward pass can be written out by hand.
- ``forward``: run that list of layers on a batch and keep every layer's activation.
- ``layer_gradients``: the gradient norm of every kernel (and of every layer's output) for one batch.
- ``basic_block`` and ``plain_or_residual_cnn``: the plain and residual networks of He et al. (2016),
  at laptop scale, for the degradation experiment.
- ``downsample``: shrink images by averaging blocks of pixels, so that experiment runs in minutes.
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


def dense_stack(n_layers, units, activation, kernel_initializer, batch_norm=False, classes=6, name="layer"):
    """The layers of a deep fully connected network, as a list (not a Model), in forward order.

    n_layers           -- number of hidden Dense layers (each followed by ``activation``)
    units              -- width of every hidden layer
    activation         -- "sigmoid", "relu", ...
    kernel_initializer -- a Keras initializer (object or name) used by every Dense layer
    batch_norm         -- put BatchNormalization between each hidden Dense and its activation
                          (the Dense then has no bias: BatchNormalization's beta replaces it)
    classes            -- units of the final softmax-free classifier layer (logits)

    Returns a list of (kind, layer) pairs: kind is "dense", "bn", "act" or "logits".
    """
    import keras
    from keras import layers

    stack = []
    for index in range(1, n_layers + 1):
        init = keras.initializers.get(kernel_initializer)
        stack.append(("dense", layers.Dense(units, kernel_initializer=init, use_bias=not batch_norm,
                                            name=f"{name}{index}")))
        if batch_norm:
            stack.append(("bn", layers.BatchNormalization(name=f"bn{index}")))
        stack.append(("act", layers.Activation(activation, name=f"{activation}{index}")))
    stack.append(("logits", layers.Dense(classes, kernel_initializer=keras.initializers.get(kernel_initializer),
                                         name="logits")))
    return stack


def forward(stack, X, training=True):
    """Run ``stack`` (from ``dense_stack``) on X; return (logits, activations).

    X          -- float tensor (m, n_x)
    activations -- list with the output of every hidden layer's activation, in order
    """
    activations = []
    for kind, layer in stack:
        X = layer(X, training=training) if kind == "bn" else layer(X)
        if kind == "act":
            activations.append(X)
    return X, activations


def layer_gradients(stack, X, Y):
    """Gradient norms, layer by layer, of the cross-entropy on one batch.

    stack -- from ``dense_stack``;  X -- (m, n_x) float32;  Y -- (m,) integer labels
    Returns a dict of NumPy arrays, one entry per Dense layer (hidden layers, then the logits layer):
      "kernel"     -- ||dL/dW|| of each Dense kernel
      "activation" -- ||dL/da|| of each hidden layer's output (what flows backwards)
      "loss"       -- the loss (a float)
    """
    import keras
    import tensorflow as tf

    X = tf.convert_to_tensor(X, dtype=tf.float32)
    with tf.GradientTape() as tape:
        logits, activations = forward(stack, X, training=True)
        loss = keras.losses.sparse_categorical_crossentropy(Y, logits, from_logits=True)
        loss = tf.reduce_mean(loss)
    kernels = [layer.kernel for kind, layer in stack if kind in ("dense", "logits")]
    grads = tape.gradient(loss, kernels + activations)
    return {"kernel": np.array([norm64(g) for g in grads[:len(kernels)]]),
            "activation": np.array([norm64(g) for g in grads[len(kernels):]]),
            "loss": float(loss.numpy())}


def norm64(tensor):
    """Euclidean norm computed in float64: squares of gradients below 1e-23 would underflow in float32."""
    return float(np.linalg.norm(np.asarray(tensor, dtype=np.float64)))


def basic_block(X, width, block, residual=True):
    """The 2-layer "basic block" of He et al. (2016): CONV 3x3 -> BN -> RELU -> CONV 3x3 -> BN -> (+ X_shortcut) -> RELU.

    X        -- input tensor of shape (m, n_H, n_W, width): the shortcut is added unchanged, so n_C must be width
    width    -- filters of both convolutions ('same' padding, stride 1, he_normal kernels, no bias)
    block    -- int or str used in the layer names: block{block}_conv_a, block{block}_bn_a, ...
    residual -- True adds X_shortcut before the last ReLU; False gives the plain block (same parameters)
    Returns X -- output tensor of shape (m, n_H, n_W, width).
    """
    from keras.layers import Activation, Add, BatchNormalization, Conv2D

    conv = dict(kernel_size=(3, 3), padding="same", use_bias=False, kernel_initializer="he_normal")
    X_shortcut = X
    X = Conv2D(width, name=f"block{block}_conv_a", **conv)(X)
    X = BatchNormalization(axis=3, name=f"block{block}_bn_a")(X)
    X = Activation("relu")(X)
    X = Conv2D(width, name=f"block{block}_conv_b", **conv)(X)
    X = BatchNormalization(axis=3, name=f"block{block}_bn_b")(X)
    if residual:
        X = Add(name=f"block{block}_add")([X, X_shortcut])
    X = Activation("relu")(X)
    return X


def plain_or_residual_cnn(depth, residual, width=16, input_shape=(32, 32, 3), classes=6, name=None):
    """A plain or residual convolutional network with ``depth`` weighted layers (He et al. 2016, section 4.2).

    depth       -- number of Conv2D and Dense layers: 1 stem conv + 2 per block + 1 classifier,
                   so depth - 2 must be even (8 -> 3 blocks, 20 -> 9, 32 -> 15)
    residual    -- True: every block adds its input back (X = Add()([X, X_shortcut])); False: plain
    width       -- filters of every conv (the same in both networks, so they have the same parameters)
    input_shape -- (n_H, n_W, n_C); the stem conv has stride 2, the blocks work at half resolution

    Each block is CONV -> BN -> RELU -> CONV -> BN -> (+ X_shortcut) -> RELU, with he_normal kernels and
    no conv bias, as in the paper. Returns a keras Model (softmax output).
    """
    import keras
    from keras.layers import Activation, BatchNormalization, Conv2D, Dense, GlobalAveragePooling2D, Input

    if depth < 4 or (depth - 2) % 2:
        raise ValueError(f"depth={depth}: need 1 stem conv + 2 convs per block + 1 Dense, i.e. an even depth >= 4.")
    X_input = Input(input_shape)
    X = Conv2D(width, (3, 3), strides=(2, 2), padding="same", use_bias=False, kernel_initializer="he_normal",
               name="conv1")(X_input)
    X = BatchNormalization(axis=3, name="bn_conv1")(X)
    X = Activation("relu")(X)
    for block in range(1, (depth - 2) // 2 + 1):
        X = basic_block(X, width, block, residual)
    X = GlobalAveragePooling2D()(X)
    X = Dense(classes, activation="softmax", name="fc")(X)
    kind = "residual" if residual else "plain"
    return keras.Model(X_input, X, name=name or f"{kind}{depth}")
