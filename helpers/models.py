"""Reference models and ResNet blocks, built with the Keras functional API.

These are the answers to the graded exercises: the notebooks' checks compare a learner's model with
them, and later notebooks import them (notebook 07 builds ResNet50 from the blocks of 05 and 06).
"""
from keras.initializers import glorot_uniform
from keras.layers import (Activation, Add, AveragePooling2D, BatchNormalization, Conv2D, Dense, Flatten,
                          GlobalAveragePooling2D, Input, MaxPooling2D, ZeroPadding2D)
from keras.models import Model

from helpers.i18n import _

# ---- HappyModel (notebook 02) and TinySignsModel (notebook 01) ---------------------------------------


def _one_block_cnn(input_shape, pad, filters, kernel, stride, index, units, activation, name):
    """The shape both small models share: ZEROPAD(pad) -> CONV(filters, kernel x kernel, stride) named 'conv<index>'
    -> BN(axis=3) named 'bn<index>' -> RELU -> MAXPOOL 2x2 named 'max_pool' -> FLATTEN -> DENSE(units, activation)
    named 'fc'. Returns a keras Model named ``name``."""
    X_input = Input(input_shape)
    X = ZeroPadding2D((pad, pad))(X_input)
    X = Conv2D(filters, (kernel, kernel), strides=(stride, stride), name=f"conv{index}")(X)
    X = BatchNormalization(axis=3, name=f"bn{index}")(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((2, 2), name="max_pool")(X)
    X = Flatten()(X)
    X = Dense(units, activation=activation, name="fc")(X)
    return Model(inputs=X_input, outputs=X, name=name)


def HappyModel(input_shape=(64, 64, 3)):
    """The course's HappyModel: ZEROPAD(3) -> CONV(32, 7x7, stride 1) -> BN -> RELU -> MAXPOOL -> FLATTEN ->
    DENSE(1, sigmoid).

    input_shape -- (n_H, n_W, n_C) of one image, without the batch dimension, e.g. X_train.shape[1:]
    Returns a keras Model named 'HappyModel' (37,633 parameters for 64x64x3 inputs).
    """
    return _one_block_cnn(input_shape, pad=3, filters=32, kernel=7, stride=1, index=0, units=1,
                          activation="sigmoid", name="HappyModel")


def TinySignsModel(input_shape=(64, 64, 3)):
    """The model of notebook 01's exercise: ZEROPAD(1) -> CONV(16, 3x3, stride 2) -> BN -> RELU -> MAXPOOL ->
    FLATTEN -> DENSE(6, softmax).

    input_shape -- (n_H, n_W, n_C) of one image, e.g. X_train.shape[1:]
    Returns a keras Model named 'TinySignsModel' (25,094 parameters for 64x64x3 inputs).
    """
    return _one_block_cnn(input_shape, pad=1, filters=16, kernel=3, stride=2, index=1, units=6,
                          activation="softmax", name="TinySignsModel")


# ---- ResNet blocks and ResNet50 (notebooks 05-07) ----


def _block_names(stage, block):
    """The course's layer-name bases for one block, e.g. stage=2, block='a' -> ('res2a_branch', 'bn2a_branch').

    Returns (None, None) when stage and block are both None (Keras then picks the names).
    Raises ValueError when only one of them is given.
    """
    if stage is None and block is None:
        return None, None
    if stage is None or block is None:
        raise ValueError(_("Give both stage and block (e.g. stage=2, block='a') or neither; got stage={stage!r}, "
                           "block={block!r}.").format(stage=stage, block=block))
    return "res" + str(stage) + str(block) + "_branch", "bn" + str(stage) + str(block) + "_branch"


def _name(base, suffix):
    return None if base is None else base + suffix


def _three_filters(filters, function):
    try:
        F1, F2, F3 = (int(F) for F in filters)
    except (TypeError, ValueError):
        raise ValueError(_("{function}: filters must be three numbers [F1, F2, F3], got {filters!r}.").format(
            function=function, filters=filters)) from None
    return F1, F2, F3


def _batch_norm(X, name, training):
    """BatchNormalization(axis=3) on X, given ``training`` only when it is True or False.

    With training=None the layer is called without the argument, so it follows the model: the batch's
    statistics under ``fit`` and ``model(X, training=True)``, the moving averages under ``predict`` and
    ``evaluate``. On Keras 3.15 an explicit ``training=None`` does the same; Keras 3.16 treats it as a value that
    overrides the model's ``training=True`` for this layer and every later one, so ``fit`` would normalise with the
    moving averages (notebook 05 says more).
    """
    layer = BatchNormalization(axis=3, name=name)
    return layer(X) if training is None else layer(X, training=training)


def _main_path(X, f, filters, s, training, initializer, conv_name_base, bn_name_base):
    """The bottleneck main path shared by both blocks, without the final ReLU.

    CONV 1x1 (F1, stride s, 'valid') -> BN -> RELU -> CONV fxf (F2, 'same') -> BN -> RELU -> CONV 1x1 (F3,
    'valid') -> BN. The identity block uses s = 1; the convolutional block puts its stride here.
    """
    F1, F2, F3 = filters
    # First component: the 1x1 CONV shrinks the channels to F1 (and carries the stride s)
    X = Conv2D(filters=F1, kernel_size=1, strides=(s, s), padding="valid", name=_name(conv_name_base, "2a"),
               kernel_initializer=initializer(seed=0))(X)
    X = _batch_norm(X, _name(bn_name_base, "2a"), training)
    X = Activation("relu")(X)

    # Second component: 'same' keeps n_H and n_W, so the addition after the main path is possible
    X = Conv2D(filters=F2, kernel_size=(f, f), strides=(1, 1), padding="same", name=_name(conv_name_base, "2b"),
               kernel_initializer=initializer(seed=0))(X)
    X = _batch_norm(X, _name(bn_name_base, "2b"), training)
    X = Activation("relu")(X)

    # Third component: back to F3 channels; no ReLU before the addition
    X = Conv2D(filters=F3, kernel_size=1, strides=(1, 1), padding="valid", name=_name(conv_name_base, "2c"),
               kernel_initializer=initializer(seed=0))(X)
    return _batch_norm(X, _name(bn_name_base, "2c"), training)


def identity_block(X, f, filters, training=None, initializer=glorot_uniform, stage=None, block=None):
    """The identity block: a 3-layer main path whose output is added to the block's input, then ReLU.

    Main path: CONV 1x1 (F1, 'valid') -> BN -> RELU -> CONV fxf (F2, 'same') -> BN -> RELU -> CONV 1x1 (F3,
    'valid') -> BN.  Then X = RELU(main path + X_shortcut), where X_shortcut is the block's input unchanged.

    X           -- input of shape (m, n_H, n_W, n_C): a symbolic Keras tensor or an eager array (NumPy or
                   tensor); n_C must equal F3, because the shortcut is added as it is
    f           -- int, height and width of the middle CONV's window
    filters     -- [F1, F2, F3], the number of filters of the three CONV layers of the main path
    training    -- passed to every BatchNormalization: True uses the batch's statistics, False the moving
                   averages, None (default) follows the model (batch statistics in fit, moving averages in
                   predict and evaluate)
    initializer -- callable such that initializer(seed=0) returns a Keras initializer for the kernels
                   (default glorot_uniform, as in the course)
    stage, block -- int and str naming the layers as the course does (stage=2, block='b' ->
                   'res2b_branch2a', 'bn2b_branch2a', ...); leave both None for Keras' own names

    Returns X -- output of shape (m, n_H, n_W, F3), same kind as the input (symbolic or eager).
    """
    conv_name_base, bn_name_base = _block_names(stage, block)
    F1, F2, F3 = _three_filters(filters, "identity_block")

    # Save the input value: it is added back to the main path at the end.
    X_shortcut = X
    X = _main_path(X, f, (F1, F2, F3), 1, training, initializer, conv_name_base, bn_name_base)

    # Final step: add the shortcut to the main path, then ReLU
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


def convolutional_block(X, f, filters, s=2, training=None, initializer=glorot_uniform, stage=None, block=None):
    """The convolutional block: an identity block whose shortcut is a 1x1 CONV (stride s) + BN.

    Use it where the shape changes: the main path's first 1x1 CONV has stride s (n_H, n_W -> n_H/s, n_W/s)
    and its last CONV gives F3 channels, so the shortcut needs the same stride and F3 filters to match.

    X           -- input of shape (m, n_H_prev, n_W_prev, n_C_prev), symbolic or eager (any n_C_prev)
    f           -- int, height and width of the middle CONV's window
    filters     -- [F1, F2, F3], the number of filters of the main path's CONV layers
    s           -- int, the stride of the first main-path CONV and of the shortcut CONV
    training, initializer, stage, block -- as in ``identity_block``; the shortcut's layers are named
                   'res2a_branch1' and 'bn2a_branch1'

    Returns X -- output of shape (m, ceil(n_H_prev / s), ceil(n_W_prev / s), F3).
    """
    conv_name_base, bn_name_base = _block_names(stage, block)
    F1, F2, F3 = _three_filters(filters, "convolutional_block")
    if int(s) != s or s < 1:
        raise ValueError(_("convolutional_block: s must be a positive integer stride, got {s!r}.").format(s=s))

    X_shortcut = X

    # Main path: the same three components as the identity block; the first 1x1 CONV carries the stride
    X = _main_path(X, f, (F1, F2, F3), s, training, initializer, conv_name_base, bn_name_base)

    # Shortcut path: a 1x1 CONV with stride s and F3 filters, then BN, so its shape matches the main path
    X_shortcut = Conv2D(filters=F3, kernel_size=1, strides=(s, s), padding="valid", name=_name(conv_name_base, "1"),
                        kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = _batch_norm(X_shortcut, _name(bn_name_base, "1"), training)

    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


# ResNet50's four stages of bottleneck blocks: (stage, filters [F1, F2, F3], number of blocks, stride s of the
# first block). Each stage is one convolutional block followed by identity blocks with the same filters.
STAGES = [(2, [64, 64, 256], 3, 1),
          (3, [128, 128, 512], 4, 2),
          (4, [256, 256, 1024], 6, 2),
          (5, [512, 512, 2048], 3, 2)]


def ResNet50(input_shape=(64, 64, 3), classes=6, training=None, stages=STAGES, global_pooling=False,
             pad_before_max_pool=False, seed=0):
    """The course's ResNet50:
    ZEROPAD -> CONV 7x7/2 -> BN -> RELU -> MAXPOOL 3x3/2 -> CONVBLOCK -> IDBLOCK*2 -> CONVBLOCK -> IDBLOCK*3
    -> CONVBLOCK -> IDBLOCK*5 -> CONVBLOCK -> IDBLOCK*2 -> AVGPOOL 2x2 -> FLATTEN -> DENSE(classes, softmax).

    input_shape    -- (n_H, n_W, n_C) of one image, e.g. X_train.shape[1:]
    classes        -- int, number of classes (the last layer is named 'fc' + str(classes))
    training       -- passed to every BatchNormalization (None: follow the model)
    stages         -- the stage table, [(stage, [F1, F2, F3], number of blocks, s), ...]; default STAGES
    global_pooling -- False (the course): AveragePooling2D((2, 2)) + Flatten. True: GlobalAveragePooling2D,
                      as keras.applications.ResNet50(include_top=True) uses for 224x224 images
    pad_before_max_pool -- True adds ZeroPadding2D((1, 1)) before the max-pooling, as keras.applications does
    seed           -- the seed of every kernel's Glorot-uniform initializer (the course: 0 everywhere); another
                      seed gives other starting weights, to see whether a training recipe works from any of them
    Returns a keras Model named 'ResNet50': 23,600,006 parameters for (64, 64, 3) and 6 classes;
    with global_pooling=True, (224, 224, 3) and 1000 classes: 25,636,712, like keras.applications.ResNet50.
    """
    def initializer(seed=0, offset=seed):  # what the blocks call as initializer(seed=0)
        return glorot_uniform(seed=seed + offset)

    X_input = Input(input_shape)

    # Zero-padding: 3 pixels on each side, so the 7x7 CONV sees the border
    X = ZeroPadding2D((3, 3))(X_input)

    # Stage 1
    X = Conv2D(64, (7, 7), strides=(2, 2), name="conv1", kernel_initializer=glorot_uniform(seed=seed))(X)
    X = _batch_norm(X, "bn_conv1", training)
    X = Activation("relu")(X)
    if pad_before_max_pool:
        X = ZeroPadding2D((1, 1))(X)
    X = MaxPooling2D((3, 3), strides=(2, 2))(X)

    # Stages 2 to 5: a convolutional block, then identity blocks 'b', 'c', ...
    for stage, filters, n_blocks, s in stages:
        X = convolutional_block(X, f=3, filters=filters, s=s, training=training, initializer=initializer,
                                stage=stage, block="a")
        for block in "bcdef"[:n_blocks - 1]:
            X = identity_block(X, 3, filters, training=training, initializer=initializer, stage=stage, block=block)

    # Average pooling and the output layer
    if global_pooling:
        X = GlobalAveragePooling2D(name="avg_pool")(X)
    else:
        X = AveragePooling2D(pool_size=(2, 2), name="avg_pool")(X)
        X = Flatten()(X)
    X = Dense(classes, activation="softmax", name="fc" + str(classes), kernel_initializer=glorot_uniform(seed=seed))(X)

    return Model(inputs=X_input, outputs=X, name="ResNet50")
