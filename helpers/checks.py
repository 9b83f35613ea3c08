"""Learner self-checks and the Keras-3 layer table.

``layer_table(model)`` is the Keras-3 version of the course's ``summary()`` helper: one row per layer
with its class, output shape, parameter count and the settings a learner can get wrong (padding,
strides, activation, initializer, ...). ``compare_models(learner, reference)`` raises a
``CheckFailed`` that points at the first layer that differs and how.

Every check prints one line saying what it verified when all is well, and otherwise raises
``CheckFailed`` with a message that says what was expected, what was found and what to do.
"""
import numpy as np

# Settings worth comparing, per layer class: (config key, what to show)
SETTINGS = {
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "activation", "use_bias", "kernel_initializer"),
    "Dense": ("units", "activation", "kernel_initializer"),
    "BatchNormalization": ("axis", "momentum", "epsilon"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "AveragePooling2D": ("pool_size", "strides", "padding"),
    "ZeroPadding2D": ("padding",),
    "Activation": ("activation",),
    "Dropout": ("rate",),
}

HINTS = {
    "padding": "Check the padding ('valid' keeps no border, 'same' keeps the height and width).",
    "strides": "Check the strides.",
    "kernel_size": "Check the kernel (window) size, e.g. (1, 1) versus (f, f).",
    "filters": "Check the number of filters (F1, F2, F3).",
    "units": "Check the number of units of the Dense layer.",
    "activation": "Check the activation.",
    "axis": "BatchNormalization normalises the channels: axis=3 (or -1) for NHWC images.",
    "kernel_initializer": "Check the kernel initializer.",
    "use_bias": "Check use_bias.",
    "pool_size": "Check the pooling window size.",
}


class CheckFailed(AssertionError):
    """A learner's code (or a result) is not what was expected; the message says where and how."""


def _a(word):
    """'a' or 'an' before ``word``: an Activation, a BatchNormalization."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _not_written(name):
    """The CheckFailed for an exercise whose stub still raises NotImplementedError."""
    return CheckFailed(f"{name} is not written yet: replace `raise NotImplementedError()` with your code.")


def expect(condition, fact, otherwise):
    """Print ``fact`` when ``condition`` holds; otherwise raise CheckFailed(``otherwise``).

    condition -- bool, what the lesson expects to be true (e.g. a measured accuracy above a target)
    fact      -- the sentence to print when it holds, saying what was verified
    otherwise -- the message when it does not: what was found, and what to do
    """
    if not condition:
        raise CheckFailed(otherwise)
    print(fact)


def check_accuracy(accuracy, at_least, what, hint):
    """Check that ``accuracy`` (a number in [0, 1]) is at least ``at_least``; print one stable line.

    what -- the measurement in words, e.g. "HappyModel's test accuracy after 30 epochs"
    hint -- what to try when it is too low
    """
    expect(float(accuracy) >= at_least, f"{what}: at least {at_least:.2f}.",
           f"{what} is {float(accuracy):.3f}, below the expected {at_least:.2f}. {hint}")


def check_param_counts(model, by_hand):
    """Compare parameter counts computed by hand with the model's, layer by layer, and print both.

    model   -- a built Keras model
    by_hand -- dict: layer name -> the number of parameters you computed; layers not named must have 0
    Also checks that the non-trainable count is the 2 x C moving means and variances of the
    BatchNormalization layers. Raises CheckFailed naming the first layer whose count differs.
    """
    for layer in model.layers:
        if layer.name not in by_hand and layer.count_params():
            raise CheckFailed(f"{layer.name} ({type(layer).__name__}) has {layer.count_params():,} parameters, but "
                              f"by_hand has no entry for it. Add {layer.name!r} with its formula.")
    names = {layer.name for layer in model.layers}
    for name, expected in by_hand.items():
        if name not in names:
            raise CheckFailed(f"by_hand names {name!r}, but the model has no such layer: check the layer names.")
        found = model.get_layer(name).count_params()
        if found != expected:
            raise CheckFailed(f"{name}: your formula gives {expected:,}, the layer has {found:,} parameters. "
                              "Conv2D: (f*f*C_prev + 1)*C; BatchNormalization: 4*C; Dense: (n_in + 1)*n_out.")
        print(f"{name:<12} by hand {expected:>8,}   in the model {found:>8,}")
    total = sum(by_hand.values())
    non_trainable = count_params(model.non_trainable_weights)
    moving = sum(2 * layer.moving_mean.shape[0] for layer in model.layers if type(layer).__name__ == "BatchNormalization")
    if non_trainable != moving:
        raise CheckFailed(f"The model has {non_trainable:,} non-trainable parameters, but its BatchNormalization "
                          f"layers' moving means and variances make {moving:,}: is a layer frozen (trainable=False)?")
    print(f"Total {total:,} = trainable {total - non_trainable:,} + non-trainable {non_trainable:,} "
          "(the moving means and variances)")


def _describe(value):
    """Settings as short, stable text (an initializer becomes its class name and seed)."""
    if isinstance(value, dict) and "class_name" in value:  # serialized initializer
        seed = value.get("config", {}).get("seed")
        return value["class_name"] + (f"(seed={seed})" if seed is not None else "")
    if isinstance(value, list):
        return tuple(_describe(v) for v in value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def _output_shape(layer):
    try:
        return tuple(layer.output.shape)
    except (AttributeError, ValueError):  # a layer used several times, or an unbuilt model
        return None


def layer_table(model, input_layer=True):
    """One dict per layer of ``model``: name, class, output shape, params and key settings.

    model       -- a built Keras model (functional or Sequential)
    input_layer -- keep the InputLayer row(s) of a functional model (default). A Sequential model never
                   lists its Input as a layer, so input_layer=False gives it and its functional twin
                   identical tables.
    Returns a list of dicts with keys "name", "class", "output_shape", "params", "settings".
    """
    rows = []
    for layer in model.layers:
        if not input_layer and type(layer).__name__ == "InputLayer":
            continue
        config = layer.get_config()
        kind = type(layer).__name__
        settings = {key: _describe(config[key]) for key in SETTINGS.get(kind, ()) if key in config}
        if settings.get("activation") == "linear" and kind != "Activation":
            settings.pop("activation")
        rows.append({"name": layer.name, "class": kind, "output_shape": _output_shape(layer),
                     "params": int(layer.count_params()), "settings": settings})
    return rows


def _shape_text(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")" if shape else "?"


def format_layer_table(model, settings=True):
    """The layer table as plain text, stable from run to run (for printing in notebooks)."""
    rows = layer_table(model)
    width = max(len(f"{r['name']} ({r['class']})") for r in rows)
    lines = [f"{'Layer (type)':<{width}}  {'Output shape':<22}{'Params':>10}" + ("  Settings" if settings else "")]
    for r in rows:
        text = ", ".join(f"{k}={v}" for k, v in r["settings"].items()) if settings else ""
        lines.append(f"{r['name'] + ' (' + r['class'] + ')':<{width}}  {_shape_text(r['output_shape']):<22}"
                     f"{r['params']:>10,}" + (f"  {text}" if text else ""))
    total = sum(r["params"] for r in rows)
    lines.append(f"Total params: {total:,}  (trainable {count_params(model.trainable_weights):,}, "
                 f"non-trainable {count_params(model.non_trainable_weights):,})")
    return "\n".join(lines)


def print_layer_table(model, settings=True):
    """Print ``format_layer_table(model)``."""
    print(format_layer_table(model, settings))


def count_params(weights):
    """Number of scalars in a list of Keras variables."""
    return int(sum(np.prod(w.shape) for w in weights))


def compare_models(learner, reference, compare_names=True):
    """Raise CheckFailed at the first layer where ``learner`` differs from ``reference``.

    Compares, layer by layer: class, output shape, parameter count, settings, then names.
    When exactly one of the two is a Sequential model (which does not list its Input as a layer), the
    InputLayer rows are left out of both tables and the input shapes are compared instead.
    Returns the number of layers compared when everything matches.
    """
    import keras

    if isinstance(learner, keras.Sequential) != isinstance(reference, keras.Sequential):
        shapes = [tuple(tuple(x.shape) for x in model.inputs) for model in (learner, reference)]
        if shapes[0] != shapes[1]:
            raise CheckFailed(f"Your model's input shape is {', '.join(map(_shape_text, shapes[0]))}, "
                              f"expected {', '.join(map(_shape_text, shapes[1]))}. Check the shape given to "
                              "Input(): one image, without the batch dimension (X_train.shape[1:]).")
        mine, ref = layer_table(learner, input_layer=False), layer_table(reference, input_layer=False)
    else:
        mine, ref = layer_table(learner), layer_table(reference)
    for index, (got, want) in enumerate(zip(mine, ref)):
        where = f"Layer {index} ({got['name']}, {got['class']})"
        if got["class"] != want["class"]:
            hint = ""
            if want["class"] == "BatchNormalization":
                hint = " Did you forget a BatchNormalization?"
            elif got["class"] == "Activation" and want["class"] == "Add":
                hint = " The ReLU comes after the addition, not before it."
            elif want["class"] == "Activation":
                hint = " Did you forget an activation?"
            raise CheckFailed(f"{where}: is {_a(got['class'])}, expected {_a(want['class'])} "
                              f"(reference layer {want['name']!r}).{hint}")
        for key, value in want["settings"].items():
            if got["settings"].get(key) != value:
                hint = HINTS.get(key, "")
                if key == "padding" and want["class"] == "ZeroPadding2D":
                    hint = ("ZeroPadding2D((p, p)) adds p rows of zeros above and below the image and "
                            "p columns left and right: check p.")
                raise CheckFailed(f"{where}: {key} is {got['settings'].get(key)!r}, expected {value!r}. "
                                  + hint)
        if got["output_shape"] != want["output_shape"]:
            raise CheckFailed(f"{where}: output shape is {_shape_text(got['output_shape'])}, expected "
                              f"{_shape_text(want['output_shape'])}. Check the filters, kernel size, strides "
                              "and padding of this layer and the ones before it.")
        if got["params"] != want["params"]:
            raise CheckFailed(f"{where}: has {got['params']:,} parameters, expected {want['params']:,}.")
        if compare_names and got["name"] != want["name"] and got["class"] != "InputLayer":
            raise CheckFailed(f"{where}: is named {got['name']!r}, expected {want['name']!r}. "
                              "Give the layer the course's name with name=...")
    if len(mine) != len(ref):
        longer, shorter, who = (mine, ref, "has extra") if len(mine) > len(ref) else (ref, mine, "is missing")
        extra = longer[len(shorter)]
        raise CheckFailed(f"Your model has {len(mine)} layers, the reference {len(ref)}: yours {who} "
                          f"layer {len(shorter)} ({extra['name']}, {extra['class']}) at the end.")
    return len(ref)


def _build_model(make_model, input_shape, name, **kwargs):
    """make_model(input_shape, **kwargs) after clear_session(); a failure becomes a CheckFailed naming it."""
    import keras

    keras.backend.clear_session()
    try:
        model = make_model(input_shape, **kwargs)
    except NotImplementedError:
        raise _not_written(name) from None
    except (TypeError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0]
        raise CheckFailed(f"Building your {name}({tuple(input_shape)}) failed: {first_line}") from None
    if not isinstance(model, keras.Model):
        raise CheckFailed(f"{name} returned {type(model).__name__}, expected a keras Model: end with "
                          f"`model = Model(inputs=X_input, outputs=X, name='{name}')` and `return model`.")
    return model


def check_model(make_model, reference, name, input_shape=(64, 64, 3), **kwargs):
    """Build the learner's model and the reference, and compare them layer by layer (``compare_models``).

    make_model -- the learner's function, make_model(input_shape, **kwargs) -> keras Model
    reference  -- the reference function from helpers.models
    name       -- the name the model must have, e.g. "HappyModel"
    Both are built right after ``keras.backend.clear_session()``, so that unnamed layers get the same names;
    the session is cleared again afterwards, so the learner's next model gets the usual names.
    Raises CheckFailed at the first difference; prints one line and returns the learner's model otherwise.
    """
    import keras

    try:
        learner = _build_model(make_model, input_shape, name, **kwargs)
        keras.backend.clear_session()
        expected = reference(input_shape, **kwargs)
        n_layers = compare_models(learner, expected)
        if learner.name != name:
            raise CheckFailed(f"Your model is named {learner.name!r}: pass name='{name}' to Model(...).")
    finally:
        keras.backend.clear_session()
    print(f"{name} matches the reference: {n_layers} layers, {learner.count_params():,} parameters")
    return learner


def check_happy_model(HappyModel):
    """Check notebook 02's ``HappyModel(input_shape)`` against helpers.models.HappyModel."""
    from helpers.models import HappyModel as reference

    check_model(HappyModel, reference, "HappyModel")


def check_tiny_signs_model(TinySignsModel, n_params_by_hand):
    """Check notebook 01's exercise: ``TinySignsModel(input_shape)`` and its parameter count by hand."""
    from helpers.models import TinySignsModel as reference

    model = check_model(TinySignsModel, reference, "TinySignsModel")
    if n_params_by_hand != model.count_params():
        raise CheckFailed(f"n_params_by_hand is {n_params_by_hand:,}, the model has {model.count_params():,}. "
                          "Check each layer: conv1 (f*f*C_prev + 1)*C, bn1 4*C, fc (n_in + 1)*n_out, and "
                          "the output shapes of conv1 and max_pool that give n_in.")
    print(f"n_params_by_hand = {n_params_by_hand:,}: right "
          f"({count_params(model.non_trainable_weights)} of them non-trainable)")


def check_resnet50(ResNet50):
    """Check notebook 07's ``ResNet50(input_shape, classes)`` against helpers.models.ResNet50 (64x64x3, 6 classes)."""
    from helpers.models import ResNet50 as reference

    check_model(ResNet50, reference, "ResNet50", classes=6)


def check_one_hot(convert_to_one_hot):
    """Check a learner's ``convert_to_one_hot(Y, C)``: it must return the course's (C, m) layout.

    Raises CheckFailed with a hint at the likely mistake; prints "All tests passed." otherwise.
    """
    Y = np.array([[1, 0, 3, 1, 2]])  # m = 5 examples, C = 4 classes: (C, m) and (m, C) differ
    expected = np.array([[0, 1, 0, 0, 0], [1, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 1, 0, 0]], dtype=np.float32)
    got = convert_to_one_hot(Y, 4)
    if not isinstance(got, np.ndarray):
        raise CheckFailed(f"convert_to_one_hot returned a {type(got).__name__}, expected a NumPy array.")
    if got.shape == expected.T.shape and got.shape != expected.shape:
        raise CheckFailed(f"convert_to_one_hot(Y, C) returned shape {got.shape}, expected (C, m) = {expected.shape}: "
                          "the course keeps one column per example. Transpose your result with .T")
    if got.shape != expected.shape:
        raise CheckFailed(f"convert_to_one_hot(Y, C) returned shape {got.shape}, expected (C, m) = {expected.shape}. "
                          "Did you flatten Y (it has shape (1, m)) before indexing?")
    if not np.array_equal(got, expected):
        wrong = int(np.flatnonzero(np.any(got != expected, axis=0))[0])
        raise CheckFailed(f"column {wrong} (example {wrong}, label {Y[0, wrong]}) is {got[:, wrong].tolist()}, "
                          f"expected {expected[:, wrong].tolist()}: a single 1 in row Y[{wrong}].")
    print("All tests passed.")


# ---- BatchNormalization exercises (notebook 04) ----------------------------------------------------


def check_batchnorm_param_counts(batchnorm_param_counts):
    """Check ``batchnorm_param_counts(input_shape, axis) -> (trainable, non_trainable)`` against Keras' layer.

    Five cases: the channel axis as 3 and -1, an image row (axis=1), a ResNet feature map, a vector.
    Raises CheckFailed with a hint at the likely mistake; prints one line otherwise.
    """
    from keras.layers import BatchNormalization

    cases = [((64, 64, 8), 3), ((64, 64, 8), -1), ((64, 32, 8), 1), ((15, 15, 256), 3), ((10,), 1)]
    for input_shape, axis in cases:
        layer = BatchNormalization(axis=axis)
        layer.build((None,) + input_shape)
        expected = (count_params(layer.trainable_weights), count_params(layer.non_trainable_weights))
        try:
            got = tuple(batchnorm_param_counts(input_shape, axis))
        except NotImplementedError:
            raise _not_written("batchnorm_param_counts") from None
        except IndexError:
            raise CheckFailed(f"batchnorm_param_counts({input_shape}, axis={axis}) raised IndexError. axis counts "
                              "the batch dimension: axis 3 of a batch (m, 64, 64, 8) is input_shape[2].") from None
        if got != expected:
            hint = "Each of gamma, beta, moving mean and moving variance has one value per index along axis."
            if got == (expected[0] // 2, expected[1] // 2):
                hint = "Trainable means gamma AND beta; non-trainable means moving mean AND moving variance."
            elif len(got) == 2 and got[0] == got[1] and got[0] // 2 in input_shape:
                hint = ("axis counts the batch dimension: axis 3 of a batch (m, 64, 64, 8) is input_shape[2], "
                        "axis -1 is input_shape[-1].")
            raise CheckFailed(f"batchnorm_param_counts({input_shape}, axis={axis}) returned {got}, "
                              f"expected {expected}. {hint}")
    print(f"batchnorm_param_counts: all {len(cases)} cases match Keras.")


def check_batchnorm_forward(batchnorm_forward):
    """Check ``batchnorm_forward(Z, gamma, beta, epsilon)`` against BatchNormalization(axis=3) in training mode.

    Recognises four slips (unbiased variance, statistics over every axis, epsilon outside the square root,
    gamma and beta left out) and names the one it sees. Prints one line when the function is right.
    """
    from keras.layers import BatchNormalization
    from keras.ops import convert_to_numpy

    rng = np.random.default_rng(1)
    Z = rng.normal(loc=3.0, scale=2.0, size=(4, 5, 5, 3)) * np.array([1.0, 0.1, 10.0])
    gamma, beta = np.array([1.5, 0.5, 2.0]), np.array([0.1, -1.0, 3.0])
    layer = BatchNormalization(axis=3, epsilon=1e-3)
    layer.build(Z.shape)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    expected = convert_to_numpy(layer(Z.astype("float32"), training=True))
    try:
        got = np.asarray(batchnorm_forward(Z, gamma, beta, 1e-3))
    except NotImplementedError:
        raise _not_written("batchnorm_forward") from None
    if got.shape != Z.shape:
        raise CheckFailed(f"batchnorm_forward returned shape {got.shape}, expected {Z.shape}: the output has the "
                          "shape of Z. Did you keep the axis of the mean with keepdims, or reduce over all axes?")
    if np.allclose(got, expected, atol=1e-4):
        print("batchnorm_forward matches Keras' BatchNormalization(axis=3) in training mode.")
        return
    mu, n = Z.mean(axis=(0, 1, 2)), Z[..., 0].size
    likely = {
        "Use the biased variance (np.var with its default ddof=0), as Keras does.":
            gamma * (Z - mu) / np.sqrt(Z.var(axis=(0, 1, 2)) * n / (n - 1) + 1e-3) + beta,
        "Take the mean and variance over axes (0, 1, 2) only: one per channel.":
            gamma * (Z - Z.mean()) / np.sqrt(Z.var() + 1e-3) + beta,
        "Put epsilon inside the square root: sqrt(var + epsilon).":
            gamma * (Z - mu) / (np.sqrt(Z.var(axis=(0, 1, 2))) + 1e-3) + beta,
        "Scale by gamma and shift by beta after normalising.":
            (Z - mu) / np.sqrt(Z.var(axis=(0, 1, 2)) + 1e-3),
    }
    hint = next((text for text, wrong in likely.items() if np.allclose(got, wrong, atol=1e-4)),
                "Normalise per channel: (Z - mean) / sqrt(var + epsilon), then gamma * ... + beta.")
    raise CheckFailed(f"batchnorm_forward differs from Keras by up to {np.abs(got - expected).max():.3g}. {hint}")


# ---- ResNet block checks (notebooks 05-06) ----------------------------------------------------------


def _ones_initializer(seed=0):
    """The course's initializer convention, initializer(seed=0) -> Keras initializer, giving all-ones kernels."""
    import keras

    return keras.initializers.Constant(1)


def _build_block(function, kind, hint, input_shape, *args, **kwargs):
    """Model(X_input, function(X_input, ...)) after clear_session(); a failure becomes a CheckFailed with ``hint``."""
    import keras

    keras.backend.clear_session()
    X_input = keras.Input(input_shape)
    try:
        X = function(X_input, *args, **kwargs)
    except TypeError as error:
        raise CheckFailed(f"Calling your {kind} failed: {error}. Keep the signature of the exercise: "
                          f"{kind}(X, f, filters, ..., training=None, initializer=glorot_uniform, stage=None, "
                          "block=None).") from None
    except ValueError as error:
        first_line = str(error).strip().splitlines()[0]
        raise CheckFailed(f"Building your {kind} on an input of shape {_shape_text((None, *input_shape))} failed: "
                          f"{first_line}\n{hint}") from None
    if not isinstance(X, keras.KerasTensor):
        raise CheckFailed(f"Your {kind} returned {type(X).__name__}, expected the tensor X: end with `return X`.")
    return keras.Model(X_input, X)


def _source(tensor):
    """The layer that produced a symbolic tensor."""
    return tensor._keras_history.operation


def _check_shortcut(model, kind, shortcut_from_input):
    """Check what Add() adds: the main path and the block's input (through a 1x1 CONV + BN if projected)."""
    adds = [layer for layer in model.layers if type(layer).__name__ == "Add"]
    if len(adds) != 1 or len(adds[0]._inbound_nodes[0].input_tensors) != 2:
        return  # the layer-by-layer comparison names what is missing or extra
    sources = [_source(tensor) for tensor in adds[0]._inbound_nodes[0].input_tensors]
    names = [source.name for source in sources]
    if shortcut_from_input:
        if not any(type(source).__name__ == "InputLayer" for source in sources):
            raise CheckFailed("Add() must add the main path and X_shortcut, the block's input saved before the "
                              f"first CONV (X_shortcut = X); yours adds the outputs of {names}.")
        return
    for source in sources:  # the projection: InputLayer -> Conv2D -> BatchNormalization -> Add
        if type(source).__name__ == "BatchNormalization":
            conv = _source(source._inbound_nodes[0].input_tensors[0])
            if type(conv).__name__ == "Conv2D" and conv.kernel_size == (1, 1):
                fed_by = _source(conv._inbound_nodes[0].input_tensors[0])
                if type(fed_by).__name__ == "InputLayer":
                    return
    raise CheckFailed(f"In your {kind}, Add() adds the outputs of {names}, and neither comes from the block's "
                      "input through the shortcut's 1x1 CONV and BatchNormalization. Apply the shortcut's CONV to "
                      "X_shortcut, the block's input saved before the main path (X_shortcut = X).")


def _check_block(function, reference, kind, hint, input_shape, f, filters, shortcut_from_input, **kwargs):
    """The checks shared by check_identity_block and check_convolutional_block (see them)."""
    import keras

    # 1. What is added: the main path and the shortcut (the block's input, or its 1x1 CONV + BN)
    _check_shortcut(_build_block(function, kind, hint, input_shape, f, filters, **kwargs), kind, shortcut_from_input)

    # 2. Layer by layer, against the reference (classes, settings, shapes, parameters, names)
    for stage, name in ((None, None), (2, "a")):
        mine = _build_block(function, kind, hint, input_shape, f, filters, stage=stage, block=name, **kwargs)
        keras.backend.clear_session()
        X_input = keras.Input(input_shape)
        expected = keras.Model(X_input, reference(X_input, f, filters, stage=stage, block=name, **kwargs))
        compare_models(mine, expected, compare_names=stage is not None)

    # 3. training reaches every BatchNormalization
    model = _build_block(function, kind, hint, input_shape, f, filters, training=False, **kwargs)
    for layer in model.layers:
        if type(layer).__name__ == "BatchNormalization":
            got = layer._inbound_nodes[0].arguments.kwargs.get("training", "missing")
            if got is not False:
                raise CheckFailed(f"{layer.name} was called with training={got!r} when your {kind} got "
                                  "training=False: pass it on, X = BatchNormalization(axis=3)(X, training=training).")

    # 4. Values, on eager arrays, with all-ones kernels: the numbers of the course's test
    X = np.concatenate([np.full((1, *input_shape[:2], input_shape[2]), v, dtype=np.float32) for v in (-1, 1, 3)])
    for training in (False, True):
        got = np.asarray(function(X, f, filters, training=training, initializer=_ones_initializer, **kwargs))
        want = np.asarray(reference(X, f, filters, training=training, initializer=_ones_initializer, **kwargs))
        if not np.allclose(got, want, rtol=1e-5, atol=1e-5):
            raise CheckFailed(
                f"With all-ones kernels and training={training}, your {kind} gives {got[1, 0, 0, 0]:.5f} for the "
                f"image of ones where the reference gives {want[1, 0, 0, 0]:.5f}. Use "
                "kernel_initializer=initializer(seed=0) in every Conv2D and pass training=training to every "
                "BatchNormalization.")


def check_identity_block(identity_block):
    """Check a learner's ``identity_block(X, f, filters, training=None, initializer=..., stage=None, block=None)``.

    Compares it with helpers.models.identity_block: layer by layer (padding, strides, filters, a missing
    BatchNormalization, a ReLU before the addition, the course's names), what Add() adds, that
    ``training`` reaches every BatchNormalization, and the values it computes with all-ones kernels.
    Raises CheckFailed with a hint at the likely mistake; prints "All tests passed." otherwise.
    """
    from helpers.models import identity_block as reference

    hint = ("The main path must keep n_H, n_W and end with F3 = n_C channels, so that it can be added to the "
            "input: the middle CONV uses padding='same', every CONV strides=(1, 1), the last CONV F3 filters.")
    _check_block(identity_block, reference, "identity_block", hint, (4, 4, 3), 3, [2, 4, 3],
                 shortcut_from_input=True)
    print("All tests passed.")


def check_convolutional_block(convolutional_block):
    """Check a learner's ``convolutional_block(X, f, filters, s=2, training=None, initializer=..., stage=None,
    block=None)`` against helpers.models.convolutional_block, as ``check_identity_block`` does, and that the
    shortcut's 1x1 CONV + BatchNormalization is applied to the block's input.
    """
    from helpers.models import convolutional_block as reference

    hint = ("The main path and the shortcut must have the same shape: the first CONV of the main path and the "
            "shortcut's CONV both use strides=(s, s), the middle CONV uses padding='same', and the last CONV "
            "and the shortcut's CONV both have F3 filters.")
    for s in (2, 1):
        _check_block(convolutional_block, reference, "convolutional_block", hint, (4, 4, 3), 3, [2, 4, 6],
                     shortcut_from_input=False, s=s)
    print("All tests passed.")
