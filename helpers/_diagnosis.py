"""What a check says when a learner's code differs from the course's reference: the likely slip behind a
difference (a layer of the wrong class or name, a setting's hint, a block that does not build, Add() fed the wrong
tensors, a BatchNormalization not given training=, a stage with too few or too many blocks) and the learner's own
line in an error. The message functions return the message, which ``helpers.checks`` raises (``setting_hint``'s
hint ends a message of its own; "" when it has none); ``wrong_shortcut``, ``training_not_passed`` and
``missing_block`` return None when they find nothing wrong. A lesson never calls this module."""
import os
import re
import site
import sysconfig
import traceback

from helpers.i18n import N_, _

HINTS = {  # what to check when a setting differs (English; shown with _())
    "padding": N_("Check the padding: 'valid' adds no border; 'same' adds one so that the output has ceil(n / s) rows "
                  "and columns, the input's size when the stride is 1."),
    "strides": N_("Check the strides."),
    "kernel_size": N_("Check the kernel (window) size, e.g. (1, 1) versus (f, f)."),
    "filters": N_("Check the number of filters (F1, F2, F3)."),
    "units": N_("Check the number of units of the Dense layer."),
    "activation": N_("Check the activation."),
    "axis": N_("BatchNormalization normalises the channels: axis=3 (or -1) for NHWC images."),
    "kernel_initializer": N_("Check the kernel initializer."),
    "use_bias": N_("Check use_bias."),
    "pool_size": N_("Check the pooling window size."),
}

MODEL_HINTS = {  # a model's own hints, over HINTS (English; shown with _())
    "ResNet50": {"filters": N_("Check the stage's filters: in every stage F3 = 4 x F1, [64, 64, 256], [128, 128, "
                               "512], [256, 256, 1024], [512, 512, 2048] (the lecture notes' [128, 128, 256] is a "
                               "slip).")},
}

SEEDED_KERNELS = N_("Give every Conv2D kernel_initializer=initializer(seed=0), as the lines given do.")
BLOCK_HINTS = {  # a block's own hints, over HINTS (English; shown with _())
    "identity_block": {
        "padding": N_("The middle CONV uses padding='same' so that the main path keeps n_H and n_W; the 1x1 CONVs "
                      "use 'valid'."),
        "strides": N_("Every CONV of the identity block uses strides=(1, 1): the block keeps the input's shape."),
        "kernel_initializer": SEEDED_KERNELS,
    },
    "convolutional_block": {
        "padding": N_("The middle CONV uses padding='same'; the 1x1 CONVs, and the shortcut's, use 'valid'."),
        "strides": N_("The stride s goes on the first 1x1 CONV of the main path (strides=(s, s)) and on the "
                      "shortcut's CONV; the middle and last CONVs use strides=(1, 1)."),
        "kernel_initializer": SEEDED_KERNELS,
    },
}


def shape_text(shape):
    """A shape as Keras prints it, (None, 64, 64, 3); "?" when unknown."""
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")" if shape else "?"


# --- a layer that differs from the reference's ------------------------------------------------------------------
# "Layer ... is a(n) X, expected a(n) Y", one whole message per pair of articles: [a, a], [a, an], [an, a], [an, an]
WRONG_CLASS = [
    N_("Layer {index} ({name}, {kind}): is a {kind}, expected a {expected} (reference layer {reference!r})."),
    N_("Layer {index} ({name}, {kind}): is a {kind}, expected an {expected} (reference layer {reference!r})."),
    N_("Layer {index} ({name}, {kind}): is an {kind}, expected a {expected} (reference layer {reference!r})."),
    N_("Layer {index} ({name}, {kind}): is an {kind}, expected an {expected} (reference layer {reference!r})."),
]


def wrong_class(got, want, index, ref, mine, sequential=False):
    """A layer of the wrong class, with a hint at the likely slip (``got``, ``want``: rows of
    ``helpers.checks.layer_table``; ``mine``, ``ref``: all the rows; ``sequential``: the learner's model is a
    Sequential one, with no X_input)."""
    skipped = index + 1 < len(ref) and got["class"] == ref[index + 1]["class"]
    hints = [(want["class"] == "BatchNormalization", N_("Did you forget a BatchNormalization?")),
             (want["class"] == "ZeroPadding2D" and sequential, N_("Did you forget the ZeroPadding2D at the start?")),
             (want["class"] == "ZeroPadding2D", N_("Did you forget the ZeroPadding2D at the start, or does the next "
                                                  "layer take X_input instead of X?")),
             (want["class"] == "MaxPooling2D" and skipped, N_("Did you forget the MaxPooling2D?")),
             (want["class"] == "Add" and not any(row["class"] == "Add" for row in mine),
              N_("Add the main path and the shortcut with the layer Add()([X, X_shortcut]) (`+` would add them "
                 "without a layer).")),
             (got["class"] == "Activation" and want["class"] == "Add",
              N_("The ReLU comes after the addition, not before it.")),
             (got["class"] == "ReLU" and want["class"] == "Activation",
              N_("Use Activation('relu'), as the reference does: ReLU() is a layer of another class.")),
             (want["class"] == "Activation", N_("Did you forget an activation?"))]
    hint = next((" " + _(text) for holds, text in hints if holds), "")
    an = [kind[:1].lower() in "aeiou" for kind in (got["class"], want["class"])]
    return _(WRONG_CLASS[2 * an[0] + an[1]]).format(index=index, name=got["name"], kind=got["class"],
                                                    expected=want["class"], reference=want["name"]) + hint


def setting_hint(key, want, extra, hints=None):
    """What to check when setting ``key`` differs from the reference row ``want``'s ("" if nothing): ``extra``, the
    learner's layer has a setting the reference's leaves out (only an activation can be); ``hints`` over HINTS."""
    if extra:
        return _("Leave this layer's activation out (linear): the ReLU comes later, as a layer of its own.")
    if key == "padding" and want["class"] == "ZeroPadding2D":
        return _("ZeroPadding2D((p, p)) adds p rows of zeros above and below the image and p columns left and right: "
                 "check p.")
    hint = (hints or {}).get(key, HINTS.get(key, ""))
    return _(hint) if hint else ""


def _automatic_name(row):
    """Whether a layer's name is the one Keras gives a layer left unnamed (its class in snake case, e.g.
    activation_2)."""
    snake = re.sub(r"([a-z])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", row["class"])).lower()
    return re.fullmatch(re.escape(snake) + r"(_\d+)?", row["name"]) is not None


def wrong_name(where, got, want):
    """A layer named otherwise than the reference's: a stray layer, a name the course does not give, or another
    name (``where``: index, name and kind, for "Layer {index} ({name}, {kind})")."""
    if _automatic_name(want) and _automatic_name(got):
        return _("Layer {index} ({name}, {kind}): Keras named it {found!r}, not {expected!r}: your code creates "
                 "another layer of this class that the model does not use (a call whose result is not kept?).").format(
                     **where, found=got["name"], expected=want["name"])
    if _automatic_name(want):
        return _("Layer {index} ({name}, {kind}): is named {found!r}, but the course leaves this layer unnamed: remove "
                 "its name=... so that Keras names it ({expected!r}).").format(**where, found=got["name"],
                                                                               expected=want["name"])
    return _("Layer {index} ({name}, {kind}): is named {found!r}, expected {expected!r}. Give the layer the course's "
             "name with name=...").format(**where, found=got["name"], expected=want["name"])


# --- an error in the learner's code ---------------------------------------------------------------------------------
def learners_frames(error):
    """The frames of ``error``'s traceback in the learner's code: not in helpers/, Python's modules or packages."""
    paths = sysconfig.get_paths()
    library = tuple(os.path.join(folder, "") for folder in (  # helpers/, Python's own modules, the installed packages
        os.path.dirname(__file__), os.path.dirname(os.__file__), paths["purelib"], paths["platlib"],
        site.getusersitepackages()))
    return [frame for frame in traceback.extract_tb(error.__traceback__) if not frame.filename.startswith(library)]


def raised(name, error):
    """An exception the learner's function ``name`` raised, naming the learner's own line."""
    frames = learners_frames(error)
    first_line = (str(error).strip().splitlines() or [""])[0]
    if not frames:
        message = _("calling your {name} raised {error}: {first_line}. Call {name} yourself in a new cell to see the "
                    "whole error.")
    elif not frames[-1].line:
        message = _("calling your {name} raised {error}: {first_line} (line {lineno}). Call {name} yourself in a new "
                    "cell to see the whole error.")
    else:
        message = _("calling your {name} raised {error}: {first_line} (line {lineno}: {code}). Call {name} yourself "
                    "in a new cell to see the whole error.")
    return message.format(name=name, error=type(error).__name__, first_line=first_line,
                          lineno=frames[-1].lineno if frames else None,
                          code=frames[-1].line.strip() if frames and frames[-1].line else None)


# --- a ResNet block --------------------------------------------------------------------------------------------------
def block_failed(kind, error, hint, input_shape):
    """A TypeError or ValueError that calling the learner's block ``kind`` on an input of ``input_shape`` raised,
    explained (``hint``: what the block's shapes need)."""
    if isinstance(error, TypeError):
        if "NoneType" in str(error) and "str" in str(error):  # conv_name_base + '2b', or 'res' + ... + block, with None
            return _("Building your {kind} failed: {error}. conv_name_base and bn_name_base are None when stage and "
                     "block are (the check builds your block so too): name a layer with named(conv_name_base, '2b'), "
                     "as the lines given do, not conv_name_base + '2b'.").format(kind=kind, error=error)
        if learners_frames(error):  # raised inside the block: say where
            return raised(kind, error)
        return _("Calling your {kind} failed: {error}. Keep the signature of the exercise: {kind}(X, f, filters, ..., "
                 "training=None, initializer=glorot_uniform, stage=None, block=None).").format(kind=kind, error=error)
    first_line = str(error).strip().splitlines()[0]
    if "output size would be zero or negative" in first_line:
        explained = _("a convolution has no pixels left to work on: with padding='valid' an f x f window shrinks the "
                      "image by f - 1. The middle CONV needs padding='same'.")
    else:
        explained = _add_mismatch(first_line, kind) or first_line + "\n" + hint
    return _("Building your {kind} on an input of shape {shape} failed: {explained}").format(
        kind=kind, shape=shape_text((None, *input_shape)), explained=explained)


def _add_mismatch(error, kind):
    """Explain Keras' "Inputs have incompatible shapes" from Add(): which side is too small, and why."""
    shapes = re.findall(r"\(([^()]*)\)", error.split("Received shapes", 1)[-1]) if "Received shapes" in error else []
    if len(shapes) != 2:
        return None
    main, shortcut = ([int(d) for d in re.findall(r"\d+", shape)] for shape in shapes)
    if len(main) < 3 or len(shortcut) < 3:
        return None
    spatial = main[-3:-1] != shortcut[-3:-1]  # else the channels differ
    dims = slice(-3, -1) if spatial else slice(-3, None)
    sizes = {"main": "x".join(map(str, main[dims])), "shortcut": "x".join(map(str, shortcut[dims]))}
    if spatial and kind == "identity_block":
        return _("the main path's output is {main}, the shortcut's {shortcut}. The middle CONV needs "
                 "padding='same', and every CONV strides=(1, 1).").format(**sizes)
    if spatial:
        return _("the main path's output is {main}, the shortcut's {shortcut}. The first CONV of the main path and the "
                 "shortcut's CONV both need strides=(s, s); the middle CONV needs padding='same'.").format(**sizes)
    if kind == "identity_block":
        return _("Add() got the main path's output {main} and the shortcut's {shortcut}: the channels differ: the last "
                 "CONV of the main path needs F3 filters.").format(**sizes)
    return _("Add() got the main path's output {main} and the shortcut's {shortcut}: the channels differ: the last "
             "CONV of the main path needs F3 filters, and so does the shortcut's CONV.").format(**sizes)


def _source(tensor):
    """The layer that produced a symbolic tensor."""
    return tensor._keras_history.operation


def wrong_shortcut(model, kind, shortcut_from_input):
    """What Add() adds, if it is not the main path and the block's input (through a 1x1 CONV and BatchNormalization
    when ``shortcut_from_input`` is False)."""
    adds = [layer for layer in model.layers if type(layer).__name__ == "Add"]
    if len(adds) != 1 or len(adds[0]._inbound_nodes[0].input_tensors) != 2:
        return None  # the layer-by-layer comparison names what is missing or extra
    sources = [_source(tensor) for tensor in adds[0]._inbound_nodes[0].input_tensors]
    names = [source.name for source in sources]
    if shortcut_from_input:
        if not any(type(source).__name__ == "InputLayer" for source in sources):
            return _("Add() must add the main path and X_shortcut, the block's input saved before the first CONV "
                     "(X_shortcut = X); yours adds the outputs of {names}.").format(names=names)
        return None
    for source in sources:  # the projection: InputLayer -> Conv2D -> BatchNormalization -> Add
        if type(source).__name__ == "InputLayer":
            continue
        fed_by = _source(source._inbound_nodes[0].input_tensors[0])
        if type(source).__name__ == "Conv2D" and type(fed_by).__name__ == "InputLayer":
            return _("In your {kind}, the shortcut's 1x1 CONV goes straight into Add(): follow it with X_shortcut = "
                     "BatchNormalization(axis=3)(X_shortcut, training=training).").format(kind=kind)
        if (type(source).__name__ == "BatchNormalization" and type(fed_by).__name__ == "Conv2D"
                and fed_by.kernel_size == (1, 1)
                and type(_source(fed_by._inbound_nodes[0].input_tensors[0])).__name__ == "InputLayer"):
            return None
    return _("In your {kind}, Add() adds the outputs of {names}, and neither comes from the block's input through the "
             "shortcut's 1x1 CONV and BatchNormalization. Apply the shortcut's CONV to X_shortcut, the block's input "
             "saved before the main path (X_shortcut = X).").format(kind=kind, names=names)


BATCHNORM_PLACES = {  # a block's BatchNormalization by its place, from its name's ending (English; shown with _())
    "2a": N_("The first BatchNormalization of the main path ({name})"),
    "2b": N_("The second BatchNormalization of the main path ({name})"),
    "2c": N_("The third BatchNormalization of the main path ({name})"),
    "1": N_("The shortcut's BatchNormalization ({name})"),
}


def training_not_passed(model, kind):
    """A BatchNormalization of block ``kind``, built with training=False and the names of stage 2, block a, that was
    not called with training=False."""
    for layer in model.layers:
        if type(layer).__name__ == "BatchNormalization":
            passed = layer._inbound_nodes[0].arguments.kwargs
            place = _(BATCHNORM_PLACES.get(layer.name[len("bn2a_branch"):], "{name}")).format(name=layer.name)
            if "training" not in passed:
                return _("{place} was called without training= when your {kind} got training=False: pass it on, X = "
                         "BatchNormalization(axis=3)(X, training=training).").format(place=place, kind=kind)
            if passed["training"] is not False:
                return _("{place} was called with training={got!r} when your {kind} got training=False: pass it on, "
                         "X = BatchNormalization(axis=3)(X, training=training).").format(place=place,
                                                                                         got=passed["training"],
                                                                                         kind=kind)
    return None


def _stage_blocks(model):
    """{stage: [block letters]} from the course's layer names res<stage><block>_branch2a."""
    blocks = {}
    for match in filter(None, (re.fullmatch(r"res(\d+)([a-z])_branch2a", layer.name) for layer in model.layers)):
        blocks.setdefault(int(match.group(1)), []).append(match.group(2))
    return blocks


def missing_block(learner, reference):
    """A missing or extra block of ResNet50, by stage, said before the layer-by-layer comparison."""
    mine = _stage_blocks(learner)
    if not mine:
        return None  # no course names: the layer-by-layer comparison says what differs
    for stage, letters in _stage_blocks(reference).items():
        got = mine.get(stage, [])
        if not got:
            message = _("Stage {stage} has {count} blocks (none), expected {expected} ({letters}): did you forget "
                        "an identity block? The stages have 3, 4, 6 and 3 blocks.")
        elif len(got) < len(letters):
            message = _("Stage {stage} has {count} blocks ({blocks}), expected {expected} ({letters}): did you "
                        "forget an identity block? The stages have 3, 4, 6 and 3 blocks.")
        elif len(got) > len(letters):
            message = _("Stage {stage} has {count} blocks ({blocks}), expected {expected} ({letters}): one "
                        "identity block too many? The stages have 3, 4, 6 and 3 blocks.")
        else:
            continue
        return message.format(stage=stage, count=len(got), blocks=", ".join(got), expected=len(letters),
                              letters=", ".join(letters))
    return None
