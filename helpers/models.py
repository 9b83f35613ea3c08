"""Reference models and ResNet blocks, the graded exercises' answers: the checks compare with them, and
later notebooks import them."""
from keras.initializers import glorot_uniform
from keras.layers import (Activation, Add, AveragePooling2D, BatchNormalization, Conv2D, Dense, Flatten,
                          GlobalAveragePooling2D, Input, MaxPooling2D, ZeroPadding2D)
from keras.models import Model

from helpers.i18n import _


def _one_block_cnn(input_shape, pad, filters, kernel, stride, index, units, activation, name):
    """ZEROPAD(pad) -> CONV 'conv<index>' -> BN 'bn<index>' -> RELU -> MAXPOOL 'max_pool' -> FLATTEN -> DENSE 'fc'."""
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
    """Notebook 02's model: ZEROPAD(3) -> CONV(32, 7x7) -> BN -> RELU -> MAXPOOL -> FLATTEN -> DENSE(1, sigmoid)."""
    return _one_block_cnn(input_shape, pad=3, filters=32, kernel=7, stride=1, index=0, units=1,
                          activation="sigmoid", name="HappyModel")


def TinySignsModel(input_shape=(64, 64, 3)):
    """Notebook 01's model: ZEROPAD(1) -> CONV(16, 3x3, stride 2) -> BN -> RELU -> MAXPOOL -> FLATTEN -> DENSE(6)."""
    return _one_block_cnn(input_shape, pad=1, filters=16, kernel=3, stride=2, index=1, units=6,
                          activation="softmax", name="TinySignsModel")


def _block_names(stage, block):
    """The course's layer-name bases, e.g. stage=2, block='a' -> ('res2a_branch', 'bn2a_branch'); (None, None)."""
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
    """BatchNormalization(axis=3) on X, given ``training`` only when it is True or False (Keras 3.16 takes
    training=None as a value that overrides fit's training=True)."""
    layer = BatchNormalization(axis=3, name=name)
    return layer(X) if training is None else layer(X, training=training)


def _main_path(X, f, filters, s, training, initializer, conv_name_base, bn_name_base):
    """CONV 1x1 (F1, stride s) -> BN -> RELU -> CONV fxf (F2, 'same': n_H and n_W kept) -> BN -> RELU -> CONV 1x1 (F3)
    -> BN, with no ReLU before the addition."""
    layers = (("2a", filters[0], 1, (s, s), "valid"), ("2b", filters[1], (f, f), (1, 1), "same"),
              ("2c", filters[2], 1, (1, 1), "valid"))
    for part, F, kernel_size, strides, padding in layers:
        X = Conv2D(filters=F, kernel_size=kernel_size, strides=strides, padding=padding,
                   name=_name(conv_name_base, part), kernel_initializer=initializer(seed=0))(X)
        X = _batch_norm(X, _name(bn_name_base, part), training)
        if part != "2c":
            X = Activation("relu")(X)
    return X


def identity_block(X, f, filters, training=None, initializer=glorot_uniform, stage=None, block=None):
    """The identity block: RELU(``_main_path`` with stride 1 + X), for X (m, n_H, n_W, F3), symbolic or
    eager; stage and block name the layers as the course does (stage=2, block='b' -> 'res2b_branch2a', ...)."""
    conv_name_base, bn_name_base = _block_names(stage, block)
    F1, F2, F3 = _three_filters(filters, "identity_block")
    X_shortcut = X
    X = _main_path(X, f, (F1, F2, F3), 1, training, initializer, conv_name_base, bn_name_base)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


def convolutional_block(X, f, filters, s=2, training=None, initializer=glorot_uniform, stage=None, block=None):
    """The convolutional block: an identity block whose shortcut is a 1x1 CONV (F3, stride s) + BN, and
    whose main path's first CONV has stride s too; returns (m, ceil(n_H / s), ceil(n_W / s), F3)."""
    conv_name_base, bn_name_base = _block_names(stage, block)
    F1, F2, F3 = _three_filters(filters, "convolutional_block")
    if int(s) != s or s < 1:
        raise ValueError(_("convolutional_block: s must be a positive integer stride, got {s!r}.").format(s=s))
    X_shortcut = X
    X = _main_path(X, f, (F1, F2, F3), s, training, initializer, conv_name_base, bn_name_base)
    X_shortcut = Conv2D(filters=F3, kernel_size=1, strides=(s, s), padding="valid", name=_name(conv_name_base, "1"),
                        kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = _batch_norm(X_shortcut, _name(bn_name_base, "1"), training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


# ResNet50's stages: (stage, filters [F1, F2, F3], number of blocks, stride s of the first block). Each stage is
# one convolutional block followed by identity blocks with the same filters.
STAGES = [(2, [64, 64, 256], 3, 1),
          (3, [128, 128, 512], 4, 2),
          (4, [256, 256, 1024], 6, 2),
          (5, [512, 512, 2048], 3, 2)]


def ResNet50(input_shape=(64, 64, 3), classes=6, training=None, stages=STAGES, global_pooling=False,
             pad_before_max_pool=False, seed=0):
    """The course's ResNet50: ZEROPAD -> CONV 7x7/2 -> BN -> RELU -> MAXPOOL 3x3/2 -> the ``stages`` -> AVGPOOL 2x2
    -> FLATTEN -> DENSE(classes, softmax) 'fc<classes>'; global_pooling and pad_before_max_pool as in
    keras.applications; ``seed`` seeds every kernel's Glorot-uniform initializer."""
    def initializer(seed=0, offset=seed):  # what the blocks call as initializer(seed=0)
        return glorot_uniform(seed=seed + offset)

    X_input = Input(input_shape)
    X = ZeroPadding2D((3, 3))(X_input)
    X = Conv2D(64, (7, 7), strides=(2, 2), name="conv1", kernel_initializer=glorot_uniform(seed=seed))(X)
    X = _batch_norm(X, "bn_conv1", training)
    X = Activation("relu")(X)
    if pad_before_max_pool:
        X = ZeroPadding2D((1, 1))(X)
    X = MaxPooling2D((3, 3), strides=(2, 2))(X)
    for stage, filters, n_blocks, s in stages:
        X = convolutional_block(X, f=3, filters=filters, s=s, training=training, initializer=initializer,
                                stage=stage, block="a")
        for block in "bcdef"[:n_blocks - 1]:
            X = identity_block(X, 3, filters, training=training, initializer=initializer, stage=stage, block=block)
    if global_pooling:
        X = GlobalAveragePooling2D(name="avg_pool")(X)
    else:
        X = AveragePooling2D(pool_size=(2, 2), name="avg_pool")(X)
        X = Flatten()(X)
    X = Dense(classes, activation="softmax", name="fc" + str(classes), kernel_initializer=glorot_uniform(seed=seed))(X)
    return Model(inputs=X_input, outputs=X, name="ResNet50")
