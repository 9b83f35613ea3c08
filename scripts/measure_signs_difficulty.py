"""Measure how hard the stand-in SIGNS images from helpers.render_signs are.

Trains the course's small CNN (1,310 parameters, Adam, batch 64, 100 epochs) on 1080 generated
images (seed 201) and reports its train and test accuracy on 120 more (seed 202).  The target
is a final test accuracy between 0.60 and 0.90, like the course's.  With --resnet it also trains
keras.applications.ResNet50 from scratch (Adam 1e-3, batch 32), which should reach >= 0.95.

The machine is shared and small: run it under the training lock, e.g.

    flock /tmp/train.lock .venv/bin/python scripts/measure_signs_difficulty.py --resnet
"""
import argparse
import time
from pathlib import Path

import helpers  # noqa: F401  (first: it sets TensorFlow's environment before Keras imports TensorFlow)
import keras
import numpy as np
from keras import layers
from PIL import Image, ImageDraw, ImageFont

from helpers.render_signs import generate


def small_cnn():
    """The course's convolutional_model: CONV-RELU-MAXPOOL x2, FLATTEN, DENSE(6, softmax); 1,310 parameters."""
    X_input = keras.Input(shape=(64, 64, 3))
    X = layers.Conv2D(8, 4, padding="same")(X_input)
    X = layers.ReLU()(X)
    X = layers.MaxPool2D(pool_size=8, strides=8, padding="same")(X)
    X = layers.Conv2D(16, 2, padding="same")(X)
    X = layers.ReLU()(X)
    X = layers.MaxPool2D(pool_size=4, strides=4, padding="same")(X)
    X = layers.Flatten()(X)
    outputs = layers.Dense(6, activation="softmax")(X)
    return keras.Model(X_input, outputs)


class EpochLog(keras.callbacks.Callback):
    """Print one line every ``every`` epochs with train and test accuracy; keep the test history.

    With ``batch_stats`` it also reports the test accuracy with BatchNorm using the test batch's own
    statistics instead of its moving averages, which lag behind the weights in early epochs (the
    moving averages are restored afterwards, so this does not change the model).
    """

    def __init__(self, X_test, Y_test, every, batch_stats=False):
        super().__init__()
        self.X_test, self.Y_test, self.every, self.batch_stats = X_test, Y_test, every, batch_stats
        self.test_acc = []

    def on_epoch_end(self, epoch, logs=None):
        _, acc = self.model.evaluate(self.X_test, self.Y_test, verbose=0, batch_size=120)
        self.test_acc.append(acc)
        line = f"  epoch {epoch + 1:3d}  train acc {logs['accuracy']:.3f}  test acc {acc:.3f}"
        if self.batch_stats:
            saved = [variable.numpy() for variable in self.model.non_trainable_variables]
            predictions = np.asarray(self.model(self.X_test, training=True))
            for variable, value in zip(self.model.non_trainable_variables, saved):
                variable.assign(value)
            batch_acc = np.mean(predictions.argmax(axis=1) == self.Y_test.argmax(axis=1))
            line += f"  (with test-batch BatchNorm statistics: {batch_acc:.3f})"
        if (epoch + 1) % self.every == 0:
            print(line, flush=True)


def train(name, model, data, epochs, batch_size, learning_rate, every, batch_stats=False):
    """Fit ``model`` on data = (X_train, Y_train, X_test, Y_test); print and return the figures."""
    X_train, Y_train, X_test, Y_test = data
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    log = EpochLog(X_test, Y_test, every, batch_stats)
    start = time.time()
    history = model.fit(X_train, Y_train, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[log])
    train_acc = model.evaluate(X_train, Y_train, verbose=0)[1]
    best = int(np.argmax(log.test_acc))
    print(f"{name}: {model.count_params():,} parameters, {time.time() - start:.0f} s; "
          f"final train acc {train_acc:.3f} (last epoch's running {history.history['accuracy'][-1]:.3f}), "
          f"final test acc {log.test_acc[-1]:.3f}, best test acc {log.test_acc[best]:.3f} (epoch {best + 1})",
          flush=True)
    return log.test_acc


def save_preview(path, X, y, per_class=8, zoom=2):
    """Save a grid of ``per_class`` images per class (one row per label, labelled "0".."5") as a PNG."""
    side, gap, label_width = 64 * zoom, 2, 28
    grid = Image.new("RGB", (label_width + per_class * (side + gap), 6 * (side + gap)), "white")
    draw, font = ImageDraw.Draw(grid), ImageFont.load_default(size=20)
    for label in range(6):
        top = label * (side + gap)
        draw.text((label_width // 2, top + side // 2), str(label), fill="black", font=font, anchor="mm")
        for k, index in enumerate(np.flatnonzero(y == label)[:per_class]):
            image = Image.fromarray(X[index]).resize((side, side), Image.BICUBIC)
            grid.paste(image, (label_width + k * (side + gap), top))
    grid.save(path, optimize=True)
    print(f"saved {path} ({Path(path).stat().st_size / 1024:.0f} KB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resnet", action="store_true", help="also train ResNet50 from scratch (slow)")
    parser.add_argument("--resnet-epochs", type=int, default=15)
    parser.add_argument("--lr", type=float, nargs="+", default=[0.009, 0.001],
                        help="small CNN's Adam learning rate(s) (course: 0.009; Keras default: 0.001)")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--no-small", action="store_true", help="skip the small CNN")
    parser.add_argument("--preview", metavar="PNG", help="save a 6 x 8 grid of test images (e.g. data/signs_grid.png)")
    args = parser.parse_args()

    start = time.time()
    X_train, y_train = generate(1080, seed=201)
    X_test, y_test = generate(120, seed=202)
    print(f"generated 1080 + 120 images in {time.time() - start:.1f} s; "
          f"pixel range [{min(X_train.min(), X_test.min())}, {max(X_train.max(), X_test.max())}]", flush=True)
    if args.preview:
        save_preview(args.preview, X_test, y_test)
    data = (X_train / 255.0, np.eye(6)[y_train], X_test / 255.0, np.eye(6)[y_test])

    if not args.no_small:
        for learning_rate in args.lr:
            keras.utils.set_random_seed(0)
            train(f"small CNN, Adam({learning_rate})", small_cnn(), data, args.epochs, 64, learning_rate, every=10)
    if args.resnet:
        keras.utils.set_random_seed(0)
        resnet = keras.applications.ResNet50(weights=None, input_shape=(64, 64, 3), classes=6)
        train("ResNet50", resnet, data, args.resnet_epochs, 32, 1e-3, every=1, batch_stats=True)


if __name__ == "__main__":
    main()
