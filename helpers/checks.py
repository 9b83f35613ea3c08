"""Learner self-checks and the Keras-3 layer table.

``layer_table(model)`` is the Keras-3 version of the course's ``summary()`` helper: one row per layer
with its class, output shape, parameter count and the settings a learner can get wrong (padding,
strides, activation, initializer, ...). ``compare_models(learner, reference)`` raises a
``CheckFailed`` that points at the first layer that differs and how.
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
    """A learner's model differs from the reference; the message says where and how."""


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
            raise CheckFailed(f"{where}: is a {got['class']}, expected a {want['class']} "
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
        if compare_names and got["name"] != want["name"]:
            raise CheckFailed(f"{where}: is named {got['name']!r}, expected {want['name']!r}. "
                              "Give the layer the course's name with name=...")
    if len(mine) != len(ref):
        longer, shorter, who = (mine, ref, "has extra") if len(mine) > len(ref) else (ref, mine, "is missing")
        extra = longer[len(shorter)]
        raise CheckFailed(f"Your model has {len(mine)} layers, the reference {len(ref)}: yours {who} "
                          f"layer {len(shorter)} ({extra['name']}, {extra['class']}) at the end.")
    return len(ref)


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
