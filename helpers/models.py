"""Reference models and ResNet blocks, built with the Keras functional API.

Notebooks teach these in plain sight; later notebooks import them from here. Tests check that each
notebook's lesson code and the reference below have identical layer tables.
"""
import keras
from keras.initializers import glorot_uniform
from keras.layers import (Activation, Add, AveragePooling2D, BatchNormalization, Conv2D, Dense, Flatten,
                          Input, MaxPooling2D, ZeroPadding2D)
from keras.models import Model

# ---- HappyModel (notebook 02) ---------------------------------------------------------------


def HappyModel(input_shape=(64, 64, 3)):
    """The course's HappyModel: ZEROPAD -> CONV(32, 7x7) -> BN -> RELU -> MAXPOOL -> FLATTEN -> DENSE(sigmoid).

    input_shape -- (n_H, n_W, n_C) of one image, without the batch dimension, e.g. X_train.shape[1:]
    Returns a keras Model named 'HappyModel' (37,633 parameters for 64x64x3 inputs).
    """
    X_input = Input(input_shape)
    X = ZeroPadding2D((3, 3))(X_input)
    X = Conv2D(32, (7, 7), strides=(1, 1), name="conv0")(X)
    X = BatchNormalization(axis=3, name="bn0")(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((2, 2), name="max_pool")(X)
    X = Flatten()(X)
    X = Dense(1, activation="sigmoid", name="fc")(X)
    return Model(inputs=X_input, outputs=X, name="HappyModel")


def HappyModelSequential(input_shape=(64, 64, 3)):
    """HappyModel written with keras.Sequential, the form of the course's newer notebooks.

    Same layers, settings and names as ``HappyModel`` (so ``layer_table`` gives the same rows, except
    that a Sequential model does not list its Input as a layer). The course's newer version writes
    ``ReLU()`` and names the pooling layer 'max_pool0'; here it is ``Activation('relu')`` and
    'max_pool', as in the notes, so that the two tables can be compared row by row.

    input_shape -- (n_H, n_W, n_C) of one image, without the batch dimension
    Returns a keras Sequential model named 'HappyModel' (37,633 parameters for 64x64x3 inputs).
    """
    return keras.Sequential([
        Input(input_shape),
        ZeroPadding2D((3, 3)),
        Conv2D(32, (7, 7), strides=(1, 1), name="conv0"),
        BatchNormalization(axis=3, name="bn0"),
        Activation("relu"),
        MaxPooling2D((2, 2), name="max_pool"),
        Flatten(),
        Dense(1, activation="sigmoid", name="fc"),
    ], name="HappyModel")
