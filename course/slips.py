"""Typical slips in the graded exercises, as a learner would type them, and what each check must answer.

One table for everything that needs slips: the mutation matrix (tests/test_exercise_checks.py runs every slipped
solution through its check, which must raise with the message given here) and the simulated class that nbgrader
grades (course.classroom: a slipped solution is a submission).

A slip is a list of edits of the exercise's solved cell, as it is in the lesson (between the markers and around
them): each (old, new) replaces every occurrence of ``old``, which must occur. Every graded exercise needs at least
four slips with messages of their own (tested).
"""
import re

# TinySignsModel's solved body, and the same layers as a Sequential model (TinySignsModel's last slip uses it without
# the padding)
TINY_SIGNS_FUNCTIONAL = """    X_input = Input(input_shape)
    X = ZeroPadding2D((1, 1))(X_input)
    X = Conv2D(16, (3, 3), strides=(2, 2), name="conv1")(X)
    X = BatchNormalization(axis=3, name="bn1")(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((2, 2), name="max_pool")(X)
    X = Flatten()(X)
    X = Dense(6, activation="softmax", name="fc")(X)
    model = Model(inputs=X_input, outputs=X, name="TinySignsModel")
"""
TINY_SIGNS_SEQUENTIAL = """    model = Sequential([Input(input_shape), ZeroPadding2D((1, 1)),
                        Conv2D(16, (3, 3), strides=(2, 2), name="conv1"), BatchNormalization(axis=3, name="bn1"),
                        Activation("relu"),
                        MaxPooling2D((2, 2), name="max_pool"), Flatten(), Dense(6, activation="softmax", name="fc")],
                       name="TinySignsModel")
"""

# exercise (the solution cell's grade_id) -> [(slip, [(old, new), ...], the regular expression its check must print)]
SLIPS = {
    "convert_to_one_hot": [
        # first: it runs on every backend in make test, and its message names the backend's tensor class
        ("a tensor", [("np.eye(C)[Y.reshape(-1)].T", "keras.ops.transpose(keras.ops.one_hot(Y.reshape(-1), C))")],
         r"returned a tensor \(\w+\), expected a NumPy array: .* keras\.ops\.convert_to_numpy\(\)"),
        ("rows instead of columns", [("[Y.reshape(-1)].T", "[Y.reshape(-1)]")], r"one column per example\. Transpose"),
        ("Y not flattened", [("[Y.reshape(-1)]", "[Y]")], r"Did you flatten Y"),
        ("classes counted from Y", [("np.eye(C)", "np.eye(Y.max() + 1)")], r"use C for the number of classes"),
        ("a list", [("[Y.reshape(-1)].T", "[Y.reshape(-1)].T.tolist()")], r"returned a list, expected a NumPy array"),
        ("labels off by one", [("[Y.reshape(-1)]", "[Y.reshape(-1) - 1]")],
         r"column 0 \(example 0, label 1\) is \[1\.0, 0\.0, 0\.0, 0\.0\]"),
        ("reshape instead of .T", [("[Y.reshape(-1)].T", "[Y.reshape(-1)].reshape(C, Y.shape[1])")],
         r"has the shape \(C, m\) but not the values: reshape keeps the order .* \.T instead"),
    ],
    "TinySignsModel": [
        ("no zero-padding", [("X = ZeroPadding2D((1, 1))(X_input)", "X = X_input")],
         r"is a Conv2D, expected a ZeroPadding2D.*Did you forget the ZeroPadding2D"),
        ("BatchNormalization(axis=1)", [("BatchNormalization(axis=3", "BatchNormalization(axis=1")],
         r"axis is 1, expected 3\. BatchNormalization normalises the channels"),
        ("wrong units", [("Dense(6,", "Dense(10,")], r"units is 10, expected 6"),
        ("stride 1", [("strides=(2, 2)", "strides=(1, 1)")], r"strides is \(1, 1\), expected \(2, 2\)"),
        ("padding='same' on conv1", [('name="conv1"', 'padding="same", name="conv1"')],
         r"padding is 'same', expected 'valid'\. Check the padding: 'valid' adds no border; 'same' adds one so that "
         r"the output has ceil\(n / s\) rows"),
        ("no max pooling", [('    X = MaxPooling2D((2, 2), name="max_pool")(X)\n', "")],
         r"is a Flatten, expected a MaxPooling2D"),
        ("the ReLU in the Conv2D too", [('name="conv1")', 'activation="relu", name="conv1")')],
         r"Layer 2 \(conv1, Conv2D\): activation is 'relu', expected 'linear'\. Leave this layer's activation out"),
        ("a name of its own", [('Activation("relu")', 'Activation("relu", name="relu1")')],
         r"is named 'relu1', but the course leaves this layer unnamed: remove its name="),
        ("padding not chained", [('name="conv1")(X)', 'name="conv1")(X_input)')],
         r"Did you forget the ZeroPadding2D at the start, or does the next layer take X_input instead of X\?"),
        ("a stray layer",
         [('    X = Activation("relu")(X)\n', '    Activation("relu")(X)\n    X = Activation("relu")(X)\n')],
         r"Keras named it 'activation_1', not 'activation': your code creates another layer of this class"),
        ("Sequential", [(TINY_SIGNS_FUNCTIONAL, TINY_SIGNS_SEQUENTIAL)],
         r"Your TinySignsModel is a Sequential model: .* asks for the functional API"),
        ("Sequential without the padding",  # no X_input to speak of
         [(TINY_SIGNS_FUNCTIONAL, TINY_SIGNS_SEQUENTIAL.replace(" ZeroPadding2D((1, 1)),", ""))],
         r"Did you forget the ZeroPadding2D at the start\?$"),
    ],
    "tiny_signs_param_count": [
        ("BN counted as 2 per channel", [("+ 4 * 16 +", "+ 2 * 16 +")], r"bn1 has 4\*C parameters"),
        ("no biases", [("(3 * 3 * 3 + 1) * 16", "3 * 3 * 3 * 16"), ("(16 * 16 * 16 + 1) * 6", "16 * 16 * 16 * 6")],
         r"bias per filter or unit"),
        ("padding forgotten", [("(16 * 16 * 16 + 1) * 6", "(15 * 15 * 16 + 1) * 6")], r"Count the zero-padding"),
        ("pooling forgotten", [("(16 * 16 * 16 + 1) * 6", "(32 * 32 * 16 + 1) * 6")], r"max_pool halves 32x32"),
    ],
    "HappyModel": [
        ("no padding", [("X = ZeroPadding2D((3, 3))(X_input)", "X = X_input")], r"Did you forget the ZeroPadding2D"),
        ("padding='same'", [("name='conv0'", "padding='same', name='conv0'")], r"padding is 'same', expected 'valid'"),
        ("BatchNormalization(axis=1)", [("BatchNormalization(axis=3", "BatchNormalization(axis=1")],
         r"axis is 1, expected 3\. BatchNormalization normalises the channels"),
        ("wrong units", [("Dense(1, activation='sigmoid'", "Dense(2, activation='softmax'")], r"units is 2, expected 1"),
        ("softmax for one unit", [("activation='sigmoid'", "activation='softmax'")],
         r"activation is 'softmax', expected 'sigmoid'"),
    ],
    "batchnorm_param_counts": [
        ("gamma only", [("return 2 * n, 2 * n", "return n, n")], r"Trainable means gamma AND beta"),
        ("axis without the batch dimension", [("n = full_shape[axis]", "n = input_shape[axis % len(input_shape)]")],
         r"axis counts the batch dimension"),
        ("IndexError on axis 3", [("n = full_shape[axis]", "n = input_shape[axis]")],
         r"raised IndexError\. axis counts the batch dimension"),
        ("one per value", [("n = full_shape[axis]", "n = int(np.prod(input_shape))")],
         r"not one per value of the input"),
    ],
    "batchnorm_forward": [
        ("unbiased variance", [("Z.var(axis=(0, 1, 2))", "Z.var(axis=(0, 1, 2), ddof=1)")], r"biased variance"),
        ("statistics over every axis", [("Z.mean(axis=(0, 1, 2))", "Z.mean()"), ("Z.var(axis=(0, 1, 2))", "Z.var()")],
         r"over axes \(0, 1, 2\) only"),
        ("epsilon outside the root", [("np.sqrt(var + epsilon)", "(np.sqrt(var) + epsilon)")],
         r"epsilon inside the square root"),
        ("no gamma and beta", [("Y = gamma * Z_hat + beta", "Y = Z_hat")], r"Scale by gamma and shift by beta"),
    ],
    "identity_block": [
        ("ReLU before the addition", [("    X = Add()([X, X_shortcut])\n    X = Activation('relu')(X)",
                                       "    X = Activation('relu')(X)\n    X = Add()([X, X_shortcut])")],
         r"The ReLU comes after the addition"),
        ("'valid' middle CONV", [("padding='same'", "padding='valid'")],
         r"the main path's output is 2x2, the shortcut's 4x4.*padding='same'"),
        ("missing BatchNormalization",
         [("    X = BatchNormalization(axis=3, name=named(bn_name_base, '2c'))(X, training=training)\n", "")],
         r"Did you forget a BatchNormalization"),
        ("shortcut saved after the first ReLU",
         [("    X_shortcut = X\n", ""), ("    X = Activation('relu')(X)\n\n    # Second",
                                       "    X = Activation('relu')(X)\n    X_shortcut = X\n\n    # Second")],
         r"X_shortcut, the block's input saved before the first CONV"),
        ("main path added to itself", [("Add()([X, X_shortcut])", "Add()([X, X])")],
         r"Add\(\) must add the main path and X_shortcut.*yours adds the outputs of \['batch_normalization_2', "
         r"'batch_normalization_2'\]"),
        ("training not passed on", [("(X, training=training)", "(X)")],
         r"The first BatchNormalization of the main path \(bn2a_branch2a\) was called without training= when your "
         r"identity_block got training=False.*training=training"),
        ("+ instead of Add()", [("Add()([X, X_shortcut])", "X + X_shortcut")],
         r"is an Activation, expected an Add .* with the layer Add\(\)\(\[X, X_shortcut\]\) \(`\+` would add"),
        ("ReLU() instead of Activation('relu')",
         [("    X = Activation('relu')(X)\n\n    # Third", "    X = keras.layers.ReLU()(X)\n\n    # Third")],
         r"is a ReLU, expected an Activation .* Use Activation\('relu'\), as the reference does"),
        ("the 2018 course's names", [("named(conv_name_base, '2b')", "conv_name_base + '2b'")],
         r"unsupported operand .* name a layer with named\(conv_name_base, '2b'\)"),
        ("an argument a layer does not take", [("2b'))(X, training=training)", "2b'))(X, training=training, scale=2)")],
         r"calling your identity_block raised TypeError: .*unexpected keyword argument 'scale' \(line \d+"),
        ("unseeded kernels", [("kernel_initializer=initializer(seed=0)", "kernel_initializer='glorot_uniform'")],
         r"kernel_initializer is 'GlorotUniform', expected 'GlorotUniform\(seed=0\)'\. Give every Conv2D "
         r"kernel_initializer=initializer\(seed=0\)"),
    ],
    "convolutional_block": [
        ("stride on the middle CONV",
         [("strides=(s, s), padding='valid', name=named(conv_name_base, '2a')",
           "strides=(1, 1), padding='valid', name=named(conv_name_base, '2a')"),
          ("kernel_size=(f, f), strides=(1, 1)", "kernel_size=(f, f), strides=(s, s)")],
         r"\(conv2d, Conv2D\): strides is \(1, 1\), expected \(2, 2\)\. The stride s goes on the first 1x1 CONV"),
        ("no BatchNormalization on the shortcut",
         [("    X_shortcut = BatchNormalization(axis=3, name=named(bn_name_base, '1'))(X_shortcut, "
           "training=training)\n", "")],
         r"shortcut's 1x1 CONV goes straight into Add"),
        ("shortcut CONV without the stride",
         [("X_shortcut = Conv2D(filters=F3, kernel_size=1, strides=(s, s)",
           "X_shortcut = Conv2D(filters=F3, kernel_size=1, strides=(1, 1)")],
         r"the main path's output is 2x2, the shortcut's 4x4.*shortcut's CONV"),
        ("shortcut saved after the first ReLU",
         [("    X_shortcut = X\n", ""), ("    X = Activation('relu')(X)\n\n    # Second",
                                       "    X = Activation('relu')(X)\n    X_shortcut = X\n\n    # Second")],
         r"neither comes from the block's input"),
        ("'valid' middle CONV", [("padding='same'", "padding='valid'")],
         r"no pixels left.*The middle CONV needs padding='same'"),
    ],
    "identity_block_param_count": [
        ("no biases", [(" + 1) * F", ") * F")], r"one bias per filter"),
        ("BN as 2 per channel", [("4 * (F1 + F2 + F3)", "2 * (F1 + F2 + F3)")], r"4 parameters per channel"),
        ("f x f everywhere", [("(1 * 1 * n_C", "(f * f * n_C"), ("(1 * 1 * F2", "(f * f * F2")],
         r"Only the middle CONV is f x f"),
        ("middle CONV fed n_C", [("(f * f * F1 + 1)", "(f * f * n_C + 1)")], r"input has F1 channels"),
    ],
    "convolutional_block_param_count": [
        ("shortcut forgotten", [("return main_path + shortcut", "return main_path")], r"The shortcut has its own 1x1 CONV"),
        ("no biases", [(" + 1) * ", ") * ")], r"one bias per filter"),
        ("BN as 2 per channel", [("4 * (F1 + F2 + F3)", "2 * (F1 + F2 + F3)"), ("4 * F3", "2 * F3")],
         r"4 parameters per channel"),
        ("f x f everywhere", [("(n_C + 1) * F1", "(f * f * n_C + 1) * F1"), ("(F2 + 1) * F3", "(f * f * F2 + 1) * F3"),
                              ("shortcut = (n_C + 1)", "shortcut = (f * f * n_C + 1)")],
         r"Only the middle CONV is f x f"),
    ],
    "ResNet50": [
        ("the notes' stage 3 [128, 128, 256]", [("[128, 128, 512]", "[128, 128, 256]")],
         r"res3a_branch2c.*filters is 256, expected 512\. Check the stage's filters: in every stage F3 = 4 x F1"),
        ("a missing identity block", [("    X = identity_block(X, 3, [256, 256, 1024], stage=4, block='f')\n", "")],
         r"Stage 4 has 5 blocks \(a, b, c, d, e\), expected 6 .*did you forget an identity block"),
        ("max pooling at the end", [("X = AveragePooling2D(pool_size=(2, 2), name='avg_pool')(X)",
                                     "X = MaxPooling2D(pool_size=(2, 2), name='avg_pool')(X)")],
         r"avg_pool, MaxPooling2D\): is a MaxPooling2D, expected an AveragePooling2D"),
        ("no softmax", [("activation='softmax', name='fc'", "name='fc'")],
         r"fc6, Dense\): activation is 'linear', expected 'softmax'"),
    ],
}


def slipped(solution, edits):
    """The solved cell ``solution`` with a slip's ``edits`` made; ValueError when an edit no longer fits the
    solution (the lesson changed: update the slip)."""
    for old, new in edits:
        if old not in solution:
            raise ValueError(f"the slip's text {old!r} is not in the solution any more: update course/slips.py")
        solution = solution.replace(old, new)
    return solution


def matches(message, pattern):
    return re.search(pattern, message, flags=re.S) is not None
