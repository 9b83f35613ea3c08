"""The plumbing behind notebook 03's experiments (why ResNets): deep dense stacks, smaller images, several seeds."""
import numpy as np

from helpers.i18n import _


def downsample(X, factor=2):
    """Average ``factor`` x ``factor`` pixel blocks: (m, n_H, n_W, n_C) -> float32 (m, n_H/factor, n_W/factor, n_C)."""
    X = np.asarray(X, dtype=np.float32)
    m, n_H, n_W, n_C = X.shape
    if n_H % factor or n_W % factor:
        raise ValueError(_("downsample: image size {n_H}x{n_W} is not a multiple of factor={factor}.").format(
            n_H=n_H, n_W=n_W, factor=factor))
    return X.reshape(m, n_H // factor, factor, n_W // factor, factor, n_C).mean(axis=(2, 4))


def fresh_initializer(initializer, index):
    """A new initializer like ``initializer`` for layer ``index``: one object would give all the same kernel."""
    import keras
    template = keras.initializers.get(initializer)
    config = template.get_config()
    if config.get("seed") is not None:
        config["seed"] = config["seed"] + index
    return type(template).from_config(config)


def dense_stack(n_layers, units, activation, kernel_initializer, batch_norm=False, classes=6, name="layer"):
    """A deep fully connected network as [(kind, layer)], kind "dense", "bn" (``batch_norm``; the Dense has
    no bias then), "act" or "logits"."""
    from keras import layers
    stack = []
    for index in range(1, n_layers + 1):
        stack.append(("dense", layers.Dense(units, kernel_initializer=fresh_initializer(kernel_initializer, index),
                                            use_bias=not batch_norm, name=f"{name}{index}")))
        if batch_norm:
            stack.append(("bn", layers.BatchNormalization(name=f"bn{index}")))
        stack.append(("act", layers.Activation(activation, name=f"{activation}{index}")))
    stack.append(("logits", layers.Dense(classes, name="logits",
                                         kernel_initializer=fresh_initializer(kernel_initializer, n_layers + 1))))
    return stack


def train_from_seeds(build, seeds, X, y, epochs, batch_size, learning_rate=1e-3, measure=None):
    """Train ``build()`` from each seed's starting weights (Adam, sparse categorical cross-entropy):
    {seed: {"loss": [per epoch], "before": measure(model), "after": measure(model)}}. On TensorFlow the model is built
    and traced once, and each seed resets its weights and Adam's state."""
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
