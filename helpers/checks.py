"""Learner self-checks, and the Keras-3 layer table: a check prints what it verified, or raises CheckFailed
saying what was expected, what was found and what to do."""
import functools
import os

import numpy as np

from helpers import _diagnosis
from helpers._diagnosis import shape_text as _shape_text
from helpers.i18n import N_, _

SETTINGS = {  # the settings compared, per layer class (keys of the layer's get_config())
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "activation", "use_bias", "kernel_initializer"),
    "Dense": ("units", "activation", "kernel_initializer"),
    "BatchNormalization": ("axis", "momentum", "epsilon"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "AveragePooling2D": ("pool_size", "strides", "padding"),
    "ZeroPadding2D": ("padding",),
    "Activation": ("activation",),
    "Dropout": ("rate",),
}

class CheckFailed(AssertionError):
    """A learner's code (or a result) is not what was expected; the message says where and how."""


def _not_written(name):
    return CheckFailed(_("{name} is not written yet: replace `raise NotImplementedError()` with your code.")
                       .format(name=name))


def _fail_if(message):
    """Raise CheckFailed(``message``) when there is one (a ``helpers._diagnosis`` function found a slip)."""
    if message:
        raise CheckFailed(message)


def expect(condition, fact, otherwise):
    """Print ``fact`` when ``condition`` holds; else raise CheckFailed(``otherwise``) (on JAX and PyTorch, print it)."""
    if condition:
        print(fact)
        return
    from helpers.session import BACKENDS, backend
    if backend() == "tensorflow":
        raise CheckFailed(otherwise)
    print(_("On {backend} this run differs from the lesson's, measured on TensorFlow with other random "
            "numbers: {otherwise}").format(backend=BACKENDS.get(backend(), (backend(),))[0], otherwise=otherwise))


# float32 stores 114/120 = 0.95 as 0.94999999: an accuracy reaches a target within this much, no more
ROUNDING = 1e-6


def reaches(accuracy, target):
    """Whether ``accuracy`` (a number, or an array of them) reaches ``target``, allowing float32's rounding."""
    return np.asarray(accuracy, dtype=float) + ROUNDING >= target


def check_accuracy(accuracy, at_least, what, hint):
    """Check that ``accuracy`` is at least ``at_least``; ``what`` names the measurement, ``hint`` what to try."""
    expect(bool(reaches(accuracy, at_least)),
           _("{what}: at least {at_least:.2f}.").format(what=what, at_least=at_least),
           _("{what} is {accuracy:.3f}, below the expected {at_least:.2f}. {hint}").format(
               what=what, accuracy=float(accuracy), at_least=at_least, hint=hint))


def check_param_counts(model, by_hand):
    """Compare ``by_hand`` ({layer name: parameters}) with the model's counts and print both."""
    for layer in model.layers:
        if layer.name not in by_hand and layer.count_params():
            raise CheckFailed(_("{name} ({kind}) has {count:,} parameters, but by_hand has no entry for it. Add "
                                "{key!r} with its formula.").format(name=layer.name, kind=type(layer).__name__,
                                                                     count=layer.count_params(), key=layer.name))
    names = {layer.name for layer in model.layers}
    for name, expected in by_hand.items():
        if name not in names:
            raise CheckFailed(_("by_hand names {name!r}, but the model has no such layer: check the layer names.")
                              .format(name=name))
        found = model.get_layer(name).count_params()
        if found != expected:
            raise CheckFailed(_("{name}: your formula gives {expected:,}, the layer has {found:,} parameters. "
                                "Conv2D: (f*f*C_prev + 1)*C; BatchNormalization: 4*C; Dense: (n_in + 1)*n_out.")
                              .format(name=name, expected=expected, found=found))
        print(_("{name:<12} by hand {expected:>8,}   in the model {found:>8,}").format(name=name, expected=expected,
                                                                                     found=found))
    total = sum(by_hand.values())
    non_trainable = count_params(model.non_trainable_weights)
    moving = sum(2 * layer.moving_mean.shape[0] for layer in model.layers
                 if type(layer).__name__ == "BatchNormalization")
    if non_trainable != moving:
        raise CheckFailed(_("The model has {non_trainable:,} non-trainable parameters, but its BatchNormalization "
                            "layers' moving means and variances make {moving:,}: is a layer frozen (trainable=False)?")
                          .format(non_trainable=non_trainable, moving=moving))
    print(_("Total {total:,} = trainable {trainable:,} + non-trainable {non_trainable:,} (the moving means and "
            "variances)").format(total=total, trainable=total - non_trainable, non_trainable=non_trainable))


def _describe(value):
    """A setting as short, stable text (an initializer becomes its class name and seed)."""
    if isinstance(value, dict) and "class_name" in value:  # serialized initializer
        seed = value.get("config", {}).get("seed")
        return value["class_name"] + (f"(seed={seed})" if seed is not None else "")
    if isinstance(value, list):
        return tuple(_describe(v) for v in value)
    return round(value, 6) if isinstance(value, float) else value


def _output_shape(layer):
    try:
        return tuple(layer.output.shape)
    except (AttributeError, ValueError):  # a layer used several times, or an unbuilt model
        return None


def layer_table(model, input_layer=True):
    """One dict per layer: "name", "class", "output_shape", "params", "settings" (input_layer=False: no
    InputLayer rows, as a Sequential model has none)."""
    rows = []
    for layer in model.layers:
        kind, config = type(layer).__name__, layer.get_config()
        if not input_layer and kind == "InputLayer":
            continue
        settings = {key: _describe(config[key]) for key in SETTINGS.get(kind, ()) if key in config}
        if settings.get("activation") == "linear" and kind != "Activation":
            settings.pop("activation")
        rows.append({"name": layer.name, "class": kind, "output_shape": _output_shape(layer),
                     "params": int(layer.count_params()), "settings": settings})
    return rows


def format_layer_table(model, settings=True):
    """The layer table as plain text, stable from run to run (for printing in notebooks)."""
    rows = layer_table(model)
    width = max(len(f"{r['name']} ({r['class']})") for r in rows)
    lines = [f"{'Layer (type)':<{width}}  {'Output shape':<22}{'Params':>10}" + ("  Settings" if settings else "")]
    for r in rows:
        text = ", ".join(f"{k}={v}" for k, v in r["settings"].items()) if settings else ""
        lines.append(f"{r['name'] + ' (' + r['class'] + ')':<{width}}  {_shape_text(r['output_shape']):<22}"
                     f"{r['params']:>10,}" + (f"  {text}" if text else ""))
    trainable, non_trainable = count_params(model.trainable_weights), count_params(model.non_trainable_weights)
    lines.append(f"Total params: {sum(r['params'] for r in rows):,}  (trainable {trainable:,}, "
                 f"non-trainable {non_trainable:,})")
    return "\n".join(lines)


def print_layer_table(model, settings=True):
    """Print ``format_layer_table(model)``."""
    print(format_layer_table(model, settings))


def count_params(weights):
    """Number of scalars in a list of Keras variables."""
    return int(sum(np.prod(w.shape) for w in weights))


def _setting(row, key):
    """A row's setting ``key``; an activation left out is 'linear'."""
    return row["settings"].get(key, "linear" if key == "activation" else None)


def _same_setting(key, got, want, value):
    """Whether the learner's row ``got`` has setting ``key`` equal to ``value``, the reference row ``want``'s: an
    axis counted from the end is the same as that axis counted from the front (axis=-1 is axis=3 on (m, n_H, n_W,
    n_C))."""
    found = _setting(got, key)
    if key == "axis" and isinstance(found, int) and isinstance(value, int) and got["output_shape"]:
        return found % len(got["output_shape"]) == value % len(want["output_shape"] or got["output_shape"])
    return found == value


def compare_models(learner, reference, compare_names=True, hints=None):
    """Raise CheckFailed at the first layer where ``learner`` differs from ``reference``, else return the count."""
    import keras
    mixed = isinstance(learner, keras.Sequential) != isinstance(reference, keras.Sequential)
    if mixed:
        shapes = [tuple(tuple(x.shape) for x in model.inputs) for model in (learner, reference)]
        if shapes[0] != shapes[1]:
            raise CheckFailed(_("Your model's input shape is {shape}, expected {expected}. Check the shape given to "
                                "Input(): one image, without the batch dimension (X_train.shape[1:]).").format(
                                    shape=", ".join(map(_shape_text, shapes[0])),
                                    expected=", ".join(map(_shape_text, shapes[1]))))
    mine, ref = layer_table(learner, input_layer=not mixed), layer_table(reference, input_layer=not mixed)
    for index, (got, want) in enumerate(zip(mine, ref)):
        where = {"index": index, "name": got["name"], "kind": got["class"]}  # "Layer {index} ({name}, {kind})"
        if got["class"] != want["class"]:
            raise CheckFailed(_diagnosis.wrong_class(got, want, index, ref, mine,
                                                     sequential=isinstance(learner, keras.Sequential)))
        extra = [key for key in got["settings"] if key not in want["settings"]]  # only an activation can be
        for key, value in [*want["settings"].items(), *((key, "linear") for key in extra)]:
            if not _same_setting(key, got, want, value):
                hint = _diagnosis.setting_hint(key, want, key in extra, hints)
                raise CheckFailed(_("Layer {index} ({name}, {kind}): {key} is {found!r}, expected {value!r}.")
                                  .format(**where, key=key, found=_setting(got, key), value=value) + " " + hint)
        if got["output_shape"] != want["output_shape"]:
            raise CheckFailed(_("Layer {index} ({name}, {kind}): output shape is {shape}, expected {expected}. Check "
                                "the filters, kernel size, strides and padding of this layer and the ones before it.")
                              .format(**where, shape=_shape_text(got["output_shape"]),
                                      expected=_shape_text(want["output_shape"])))
        if got["params"] != want["params"]:
            raise CheckFailed(_("Layer {index} ({name}, {kind}): has {params:,} parameters, expected {expected:,}.")
                              .format(**where, params=got["params"], expected=want["params"]))
        if compare_names and got["name"] != want["name"] and got["class"] != "InputLayer":
            raise CheckFailed(_diagnosis.wrong_name(where, got, want))
    if len(mine) > len(ref):
        message = _("Your model has {count} layers, the reference {expected}: yours has extra layer {index} "
                    "({name}, {kind}) at the end.")
    elif len(mine) < len(ref):
        message = _("Your model has {count} layers, the reference {expected}: yours is missing layer {index} "
                    "({name}, {kind}) at the end.")
    else:
        return len(ref)
    extra = (mine if len(mine) > len(ref) else ref)[min(len(mine), len(ref))]
    raise CheckFailed(message.format(count=len(mine), expected=len(ref), index=min(len(mine), len(ref)),
                                     name=extra["name"], kind=extra["class"]))


def _strict(strict):
    """Should a failed check raise? ``strict`` when given; otherwise only under nbgrader (NBGRADER_EXECUTION set)."""
    return bool(os.environ.get("NBGRADER_EXECUTION")) if strict is None else bool(strict)


def _stand_in(name, reference):
    """The reference implementation of exercise ``name``, marked as standing in for the learner's function."""
    @functools.wraps(reference)
    def stand_in(*args, **kwargs):
        return reference(*args, **kwargs)
    stand_in.stands_in_for = name
    return stand_in


def _exercise(name, reference):
    """Turn ``check(function, reference)`` into the check of exercise ``name``: it returns the learner's function
    when it passes, otherwise says what is wrong and returns the reference (strict=True, or nbgrader: raises)."""
    def resolve():
        if callable(reference):
            return reference
        import importlib
        module, attribute = reference.rsplit(".", 1)
        return getattr(importlib.import_module(f"helpers.{module}"), attribute)

    def decorate(check):
        @functools.wraps(check)
        def run(function, *args, strict=None, **kwargs):
            if getattr(function, "stands_in_for", None) == name and not _strict(strict):
                return function  # an earlier check of this exercise failed and put the reference in: said already
            try:
                check(function, resolve(), *args, **kwargs)
                return function
            except CheckFailed as error:
                failure = error
            except NotImplementedError:
                failure = _not_written(name)
            except Exception as error:  # the learner's code raised: say what, and where
                failure = CheckFailed(_diagnosis.raised(name, error))
            if _strict(strict):
                raise failure from None
            print(_("✗ Check failed: {failure}").format(failure=failure))
            print("  " + _("Until it passes, the rest of this notebook uses the course's {name} (helpers), so it still "
                           "runs.").format(name=name))
            return _stand_in(name, resolve())
        run.exercise, run.reference = name, resolve
        return run
    return decorate


def _build_model(make_model, input_shape, name, **kwargs):
    """make_model(input_shape, **kwargs) after clear_session(); a failure becomes a CheckFailed naming it."""
    import keras
    keras.backend.clear_session()
    try:
        model = make_model(input_shape, **kwargs)
    except NotImplementedError:
        raise _not_written(name) from None
    except (TypeError, ValueError) as error:
        raise CheckFailed(_("Building your {name}({shape}) failed: {first_line}").format(
            name=name, shape=tuple(input_shape), first_line=str(error).strip().splitlines()[0])) from None
    if not isinstance(model, keras.Model):
        raise CheckFailed(_("{function} returned {kind}, expected a keras Model: end with `model = Model("
                            "inputs=X_input, outputs=X, name='{name}')` and `return model`.").format(
                                function=name, kind=type(model).__name__, name=name))
    return model


def check_model(make_model, reference, name, input_shape=(64, 64, 3), functional=False, **kwargs):
    """Build the learner's model and the reference, each after clear_session(), and compare them (``functional``:
    the exercise asks for the functional API, and a Sequential model with the same layers is told so)."""
    import keras
    try:
        learner = _build_model(make_model, input_shape, name, **kwargs)
        keras.backend.clear_session()
        expected = reference(input_shape, **kwargs)
        if name == "ResNet50":
            _fail_if(_diagnosis.missing_block(learner, expected))
        n_layers = compare_models(learner, expected, hints=_diagnosis.MODEL_HINTS.get(name))
        if learner.name != name:
            raise CheckFailed(_("Your model is named {found!r}: pass name='{name}' to Model(...).").format(
                found=learner.name, name=name))
        if functional and isinstance(learner, keras.Sequential):
            raise CheckFailed(_("Your {name} is a Sequential model: it computes the same, but this exercise asks for "
                                "the functional API, the style that a ResNet's shortcut needs: X_input = "
                                "Input(input_shape), a line X = Layer(...)(X) per layer, then Model(inputs=X_input, "
                                "outputs=X, name='{name}').").format(name=name))
    finally:
        keras.backend.clear_session()  # the learner's next model gets the usual names
    print(_("{name} matches the reference: {n_layers} layers, {count:,} parameters").format(
        name=name, n_layers=n_layers, count=learner.count_params()))
    return learner


@_exercise("HappyModel", "models.HappyModel")
def check_happy_model(HappyModel, reference):
    """Check notebook 02's ``HappyModel(input_shape)`` against helpers.models.HappyModel."""
    check_model(HappyModel, reference, "HappyModel")


@_exercise("TinySignsModel", "models.TinySignsModel")
def check_tiny_signs_model(TinySignsModel, reference):
    """Check notebook 01's ``TinySignsModel(input_shape)``, written with the functional API, against
    helpers.models.TinySignsModel."""
    check_model(TinySignsModel, reference, "TinySignsModel", functional=True)


@_exercise("tiny_signs_param_count", lambda: (3 * 3 * 3 + 1) * 16 + 4 * 16 + (16 * 16 * 16 + 1) * 6)
def check_tiny_signs_param_count(tiny_signs_param_count, reference):
    """Check notebook 01's ``tiny_signs_param_count()``: TinySignsModel's parameters on 64x64x3 images, by hand."""
    got, right = tiny_signs_param_count(), reference()
    conv, bn, fc = (3 * 3 * 3 + 1) * 16, 4 * 16, (16 * 16 * 16 + 1) * 6
    likely = {
        conv + 2 * 16 + fc: N_("bn1 has 4*C parameters: gamma and beta, and the moving mean and variance "
                               "(non-trainable)."),
        3 * 3 * 3 * 16 + bn + 16 * 16 * 16 * 6: N_("Every Conv2D and Dense has a bias per filter or unit: "
                                                   "(f*f*C_prev + 1)*C."),
        conv + bn + (15 * 15 * 16 + 1) * 6: N_("Count the zero-padding: conv1 sees 66x66, so it outputs "
                                               "(66 - 3)//2 + 1 = 32."),
        conv + bn + (32 * 32 * 16 + 1) * 6: N_("max_pool halves 32x32 to 16x16 before Flatten: fc has 16*16*16 "
                                               "inputs (and conv1's stride 2 makes 66x66 into 32x32 before it)."),
    }
    if not isinstance(got, (int, np.integer)):
        raise CheckFailed(_("tiny_signs_param_count() returned {got!r}, expected a whole number.").format(got=got))
    if got != right:
        hint = likely.get(int(got), N_("Add the layers up: conv1 (f*f*C_prev + 1)*C, bn1 4*C, fc (n_in + 1)*n_out, "
                                       "with n_in from the output shapes of conv1 and max_pool."))
        raise CheckFailed(_("tiny_signs_param_count() returned {got:,}, the model has {right:,}. {hint}").format(
            got=int(got), right=right, hint=_(hint)))
    print(_("tiny_signs_param_count() = {right:,}: right (32 of them non-trainable: bn1's moving mean and variance)")
          .format(right=right))


@_exercise("ResNet50", "models.ResNet50")
def check_resnet50(ResNet50, reference):
    """Check notebook 07's ``ResNet50(input_shape, classes)`` against helpers.models.ResNet50, block by block."""
    check_model(ResNet50, reference, "ResNet50", classes=6)


@_exercise("convert_to_one_hot", "datasets.convert_to_one_hot")
def check_one_hot(convert_to_one_hot, reference):
    """Check a learner's ``convert_to_one_hot(Y, C)``: it must return the course's (C, m) layout."""
    Y = np.array([[1, 0, 2, 1, 2]])  # m = 5 examples, C = 4 classes (label 3 unused): (C, m) and (m, C) differ
    expected = np.array([[0, 1, 0, 0, 0], [1, 0, 0, 1, 0], [0, 0, 1, 0, 1], [0, 0, 0, 0, 0]], dtype=np.float32)
    got = convert_to_one_hot(Y, 4)
    if not isinstance(got, np.ndarray):
        kind = type(got).__name__
        import keras
        if keras.ops.is_tensor(got):  # tf.one_hot, keras.ops.one_hot, on any backend
            raise CheckFailed(_("convert_to_one_hot returned a tensor ({kind}), expected a NumPy array: build it with "
                                "NumPy (np.eye), or convert the tensor with keras.ops.convert_to_numpy().").format(
                                    kind=kind))
        raise CheckFailed(_("convert_to_one_hot returned a {kind}, expected a NumPy array.").format(kind=kind))
    if got.shape == expected.T.shape and got.shape != expected.shape:
        raise CheckFailed(_("convert_to_one_hot(Y, C) returned shape {shape}, expected (C, m) = {expected}: the course "
                            "keeps one column per example. Transpose your result with .T").format(
                                shape=got.shape, expected=expected.shape))
    if got.ndim == 2 and got.shape[1] == expected.shape[1] and got.shape[0] != 4:
        raise CheckFailed(_("convert_to_one_hot(Y, C) returned {rows} rows for C = 4: use C for the number of classes "
                            "(np.eye(C)), not the labels that happen to occur in Y.").format(rows=got.shape[0]))
    if got.shape != expected.shape:
        raise CheckFailed(_("convert_to_one_hot(Y, C) returned shape {shape}, expected (C, m) = {expected}. Did you "
                            "flatten Y (it has shape (1, m)) before indexing?").format(shape=got.shape,
                                                                                      expected=expected.shape))
    if np.array_equal(got, expected.T.reshape(expected.shape)):
        raise CheckFailed(_("convert_to_one_hot(Y, C) has the shape (C, m) but not the values: reshape keeps the "
                            "order of the (m, C) rows. Transpose with .T instead of reshaping."))
    if not np.array_equal(got, expected):
        wrong = int(np.flatnonzero(np.any(got != expected, axis=0))[0])
        raise CheckFailed(_("column {wrong} (example {wrong}, label {label}) is {column}, expected {expected}: a "
                            "single 1 in row Y[0, {wrong}].").format(wrong=wrong, label=Y[0, wrong],
                                                             column=got[:, wrong].tolist(),
                                                             expected=expected[:, wrong].tolist()))
    print(_("All tests passed."))


def _keras_batchnorm_param_counts(input_shape, axis):
    """(trainable, non_trainable) of BatchNormalization(axis) on inputs of shape input_shape, from Keras itself."""
    from keras.layers import BatchNormalization
    layer = BatchNormalization(axis=axis)
    layer.build((None,) + tuple(input_shape))
    return count_params(layer.trainable_weights), count_params(layer.non_trainable_weights)


@_exercise("batchnorm_param_counts", _keras_batchnorm_param_counts)
def check_batchnorm_param_counts(batchnorm_param_counts, reference):
    """Check ``batchnorm_param_counts(input_shape, axis) -> (trainable, non_trainable)`` against Keras' layer."""
    cases = [((64, 64, 8), 3), ((64, 64, 8), -1), ((64, 32, 8), 1), ((15, 15, 256), 3), ((10,), 1)]
    for input_shape, axis in cases:
        expected = reference(input_shape, axis)
        try:
            got = tuple(batchnorm_param_counts(input_shape, axis))
        except IndexError:
            raise CheckFailed(_("batchnorm_param_counts({input_shape}, axis={axis}) raised IndexError. axis counts the "
                                "batch dimension: axis 3 of a batch (m, 64, 64, 8) is input_shape[2].").format(
                                    input_shape=input_shape, axis=axis)) from None
        if got == expected:
            continue
        hint = _("Each of gamma, beta, moving mean and moving variance has one value per index along axis.")
        if got == (expected[0] // 2, expected[1] // 2):
            hint = _("Trainable means gamma AND beta; non-trainable means moving mean AND moving variance.")
        elif len(got) == 2 and got[0] == 2 * int(np.prod(input_shape)):
            hint = _("BatchNormalization keeps one gamma and beta per index along axis (per channel for axis=3), "
                     "not one per value of the input.")
        elif len(got) == 2 and got[0] == got[1] and got[0] // 2 in input_shape:
            hint = _("axis counts the batch dimension: axis 3 of a batch (m, 64, 64, 8) is input_shape[2], "
                     "axis -1 is input_shape[-1].")
        raise CheckFailed(_("batchnorm_param_counts({input_shape}, axis={axis}) returned {got}, expected "
                            "{expected}. {hint}").format(input_shape=input_shape, axis=axis, got=got,
                                                         expected=expected, hint=hint))
    print(_("batchnorm_param_counts: all {count} cases match Keras.").format(count=len(cases)))


def _keras_batchnorm_forward(Z, gamma, beta, epsilon=1e-3):
    """BatchNormalization(axis=3) in training mode, computed by Keras (the reference for batchnorm_forward)."""
    from keras.layers import BatchNormalization
    from keras.ops import convert_to_numpy
    layer = BatchNormalization(axis=3, epsilon=epsilon)
    layer.build(Z.shape)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    return convert_to_numpy(layer(np.asarray(Z, dtype="float32"), training=True))


@_exercise("batchnorm_forward", _keras_batchnorm_forward)
def check_batchnorm_forward(batchnorm_forward, reference):
    """Check ``batchnorm_forward(Z, gamma, beta, epsilon)`` against BatchNormalization(axis=3) in training mode."""
    from keras.ops import convert_to_numpy  # a tensor on any backend, or an array, as NumPy
    rng = np.random.default_rng(1)
    Z = rng.normal(loc=3.0, scale=2.0, size=(4, 5, 5, 3)) * np.array([1.0, 0.1, 10.0])
    gamma, beta = np.array([1.5, 0.5, 2.0]), np.array([0.1, -1.0, 3.0])
    expected = reference(Z, gamma, beta, 1e-3)
    got = convert_to_numpy(batchnorm_forward(Z, gamma, beta, 1e-3))
    if got.shape != Z.shape:
        raise CheckFailed(_("batchnorm_forward returned shape {shape}, expected {expected}: the output has the shape "
                            "of Z. Did you keep the axis of the mean with keepdims, or reduce over all axes?").format(
                                shape=got.shape, expected=Z.shape))
    if np.allclose(got, expected, atol=1e-4):
        print(_("batchnorm_forward matches Keras' BatchNormalization(axis=3) in training mode."))
        return
    mu, variance, n = Z.mean(axis=(0, 1, 2)), Z.var(axis=(0, 1, 2)), Z[..., 0].size
    likely = {
        N_("Use the biased variance (np.var with its default ddof=0), as Keras does."):
            gamma * (Z - mu) / np.sqrt(variance * n / (n - 1) + 1e-3) + beta,
        N_("Take the mean and variance over axes (0, 1, 2) only: one per channel."):
            gamma * (Z - Z.mean()) / np.sqrt(Z.var() + 1e-3) + beta,
        N_("Put epsilon inside the square root: sqrt(var + epsilon)."):
            gamma * (Z - mu) / (np.sqrt(variance) + 1e-3) + beta,
        N_("Scale by gamma and shift by beta after normalising."): (Z - mu) / np.sqrt(variance + 1e-3),
    }
    hint = next((text for text, wrong in likely.items() if np.allclose(got, wrong, atol=1e-4)),
                N_("Normalise per channel: (Z - mean) / sqrt(var + epsilon), then gamma * ... + beta."))
    raise CheckFailed(_("batchnorm_forward differs from Keras by up to {difference:.3g}. {hint}").format(
        difference=np.abs(got - expected).max(), hint=_(hint)))


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
    except NotImplementedError:
        raise _not_written(kind) from None
    except (TypeError, ValueError) as error:
        raise CheckFailed(_diagnosis.block_failed(kind, error, hint, input_shape)) from None
    if not isinstance(X, keras.KerasTensor):
        raise CheckFailed(_("Your {kind} returned {found}, expected the tensor X: end with `return X`.").format(
            kind=kind, found=type(X).__name__))
    return keras.Model(X_input, X)


def _check_block(function, reference, kind, hint, input_shape, f, filters, shortcut_from_input, **kwargs):
    """The structure checks shared by check_identity_block and check_convolutional_block."""
    import keras
    # 1. What Add() adds: with F1 = F2 = F3 = n_C (and f = 1) a shortcut from the wrong tensor still builds
    model = _build_block(function, kind, hint, input_shape, 1, [input_shape[-1]] * 3, **kwargs)
    _fail_if(_diagnosis.wrong_shortcut(model, kind, shortcut_from_input))
    # 2. Layer by layer, against the reference
    for stage, name in ((None, None), (2, "a")):
        mine = _build_block(function, kind, hint, input_shape, f, filters, stage=stage, block=name, **kwargs)
        keras.backend.clear_session()
        X_input = keras.Input(input_shape)
        expected = keras.Model(X_input, reference(X_input, f, filters, stage=stage, block=name, **kwargs))
        compare_models(mine, expected, compare_names=stage is not None, hints=_diagnosis.BLOCK_HINTS[kind])
    # 3. training reaches every BatchNormalization
    model = _build_block(function, kind, hint, input_shape, f, filters, training=False, stage=2, block="a", **kwargs)
    _fail_if(_diagnosis.training_not_passed(model, kind))
    keras.backend.clear_session()


def _check_block_values(function, reference, kind, input_shape, f, filters, **kwargs):
    """The values a block computes on eager arrays with all-ones kernels: the numbers of the course's test."""
    from keras.ops import convert_to_numpy  # a tensor on any backend, as NumPy
    X = np.concatenate([np.full((1, *input_shape[:2], input_shape[2]), v, dtype=np.float32) for v in (-1, 1, 3)])
    for training in (False, True):
        got = convert_to_numpy(function(X, f, filters, training=training, initializer=_ones_initializer, **kwargs))
        want = convert_to_numpy(reference(X, f, filters, training=training, initializer=_ones_initializer, **kwargs))
        if got.shape == want.shape and np.allclose(got, want, rtol=1e-5, atol=1e-5):
            continue
        if got.shape == want.shape:
            message = _("With all-ones kernels and training={training}, your {kind} gives {found:.5f} for the "
                        "image of ones where the reference gives {expected:.5f}. Use "
                        "kernel_initializer=initializer(seed=0) in every Conv2D and pass training=training to "
                        "every BatchNormalization.")
        else:
            message = _("With all-ones kernels and training={training}, your {kind} gives an output of shape "
                        "{shape} for the image of ones where the reference gives {expected:.5f}. Use "
                        "kernel_initializer=initializer(seed=0) in every Conv2D and pass training=training to "
                        "every BatchNormalization.")
        raise CheckFailed(message.format(training=training, kind=kind, expected=want[1, 0, 0, 0], shape=got.shape,
                                         found=got[1, 0, 0, 0] if got.shape == want.shape else None))


@_exercise("identity_block", "models.identity_block")
def check_identity_block(identity_block, reference):
    """Check a learner's ``identity_block`` against helpers.models': what Add() adds, the layers, and ``training``."""
    hint = _("The main path must keep n_H, n_W and end with F3 = n_C channels, so that it can be added to the "
             "input: the middle CONV uses padding='same', every CONV strides=(1, 1), the last CONV F3 filters.")
    _check_block(identity_block, reference, "identity_block", hint, (4, 4, 3), 3, [2, 4, 3], shortcut_from_input=True)
    print(_("identity_block matches the reference: layers, shortcut and training."))


@_exercise("identity_block", "models.identity_block")
def check_identity_block_values(identity_block, reference):
    """The values of ``identity_block`` with all-ones kernels on images of -1, 1 and 3 (f=2, filters=[4, 4, 3])."""
    _check_block_values(identity_block, reference, "identity_block", (4, 4, 3), 2, [4, 4, 3])
    print(_("identity_block computes the reference's values."))


@_exercise("convolutional_block", "models.convolutional_block")
def check_convolutional_block(convolutional_block, reference):
    """Check a learner's ``convolutional_block`` as ``check_identity_block`` does, for s = 2 and s = 1."""
    hint = _("The main path and the shortcut must have the same shape: the first CONV of the main path and the "
             "shortcut's CONV both use strides=(s, s), the middle CONV uses padding='same', and the last CONV "
             "and the shortcut's CONV both have F3 filters.")
    for s in (2, 1):
        _check_block(convolutional_block, reference, "convolutional_block", hint, (4, 4, 3), 3, [2, 4, 6],
                     shortcut_from_input=False, s=s)
    print(_("convolutional_block matches the reference for s = 2 and s = 1: layers, shortcut and training."))


@_exercise("convolutional_block", "models.convolutional_block")
def check_convolutional_block_values(convolutional_block, reference):
    """The values of ``convolutional_block`` with all-ones kernels on images of -1, 1 and 3 (f=2, filters=[2, 4, 6])."""
    for s in (2, 1):
        _check_block_values(convolutional_block, reference, "convolutional_block", (4, 4, 3), 2, [2, 4, 6], s=s)
    print(_("convolutional_block computes the reference's values."))


def _block_param_count(n_C, f, filters, projection):
    """Parameters of the course's bottleneck block on n_C input channels: three CONV + BN, and the shortcut's."""
    F1, F2, F3 = filters
    count = (n_C + 1) * F1 + 4 * F1 + (f * f * F1 + 1) * F2 + 4 * F2 + (F2 + 1) * F3 + 4 * F3
    return count + ((n_C + 1) * F3 + 4 * F3 if projection else 0)


def _check_block_param_count(function, reference, name, projection):
    cases = [(3, 2, (4, 4, 3)), (512, 3, (128, 128, 512)), (256, 3, (64, 64, 256))]  # the last: ResNet50's res2b
    if projection:
        cases = [(3, 2, (2, 4, 6)), (64, 3, (64, 64, 256)), (256, 3, (128, 128, 512))]  # the last: res3a
    for n_C, f, filters in cases:
        F1, F2, F3 = filters
        got, right = function(n_C, f, list(filters)), reference(n_C, f, list(filters))
        if got == right:
            continue
        likely = {  # the count each slip gives -> its hint
            right - 2 * (F1 + F2 + F3) - (2 * F3 if projection else 0):
                N_("Each BatchNormalization has 4 parameters per channel: gamma, beta, moving mean and variance."),
            right - (F1 + F2 + F3) - (F3 if projection else 0):
                N_("Each Conv2D has one bias per filter: (f*f*C_prev + 1)*C."),
            right + (f * f - 1) * (n_C * F1 + F2 * F3) + (f * f - 1) * n_C * F3 * projection:
                N_("Only the middle CONV is f x f; the others are 1x1."),
            right - f * f * F1 * F2 + f * f * n_C * F2:
                N_("The middle CONV's input has F1 channels (the first CONV's output), not n_C."),
        }
        if projection:
            likely[right - (n_C + 1) * F3 - 4 * F3] = N_("The shortcut has its own 1x1 CONV (F3 filters) and "
                                                          "BatchNormalization: count them.")
        otherwise = (N_("Add up three Conv2D layers, (f*f*C_prev + 1)*C each, and three BatchNormalizations, 4*C "
                        "each, and the shortcut's CONV and BatchNormalization.") if projection else
                     N_("Add up three Conv2D layers, (f*f*C_prev + 1)*C each, and three BatchNormalizations, 4*C "
                        "each."))
        raise CheckFailed(_("{name}({n_C}, {f}, {filters}) returned {got!r}, expected {right:,}. {hint}").format(
            name=name, n_C=n_C, f=f, filters=list(filters), got=got, right=right, hint=_(likely.get(got, otherwise))))
    print(_("{name}: right for all {count} blocks, e.g. {right:,} parameters for filters {filters} on {n_C} channels.")
          .format(name=name, count=len(cases), right=right, filters=list(filters), n_C=n_C))


@_exercise("identity_block_param_count", lambda n_C, f, filters: _block_param_count(n_C, f, filters, False))
def check_identity_block_param_count(identity_block_param_count, reference):
    """Check ``identity_block_param_count(n_C, f, filters)``: the parameters of an identity block, by hand."""
    _check_block_param_count(identity_block_param_count, reference, "identity_block_param_count", projection=False)


@_exercise("convolutional_block_param_count", lambda n_C, f, filters: _block_param_count(n_C, f, filters, True))
def check_convolutional_block_param_count(convolutional_block_param_count, reference):
    """Check ``convolutional_block_param_count(n_C, f, filters)``: a convolutional block's parameters, by hand."""
    _check_block_param_count(convolutional_block_param_count, reference, "convolutional_block_param_count",
                             projection=True)
