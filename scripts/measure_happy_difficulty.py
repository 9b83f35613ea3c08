"""Measure how hard the generated Happy House stand-ins are for the course's HappyModel.

Generates the data with ``helpers.render_happy`` (train: 600 images, seed 101; test: 150, seed 102),
trains the course's HappyModel (adam, binary cross-entropy, batch size 32, inputs X/255) and prints the
test accuracy after every epoch, once per model seed. The target, like the course's real photos:
below 0.97 test accuracy after 1 epoch, and at least 0.95 within 40 epochs.

The machine may be shared, so run it under the training lock:

    flock /tmp/train.lock .venv/bin/python scripts/measure_happy_difficulty.py [--seeds 0 1 2] [--epochs 40]

``--preview data/happy_grid.png`` also writes the small labelled preview grid kept in the repository.
"""
import argparse
import os
import time

import numpy as np

from helpers import render_happy


def write_preview(path, X, y, rows=4, cols=8):
    """Save a rows x cols grid of the first images, each titled with its label, at 2x scale."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(rows, cols, figsize=(cols * 1.28 + 0.2, rows * 1.5 + 0.5), dpi=100)
    for i, axis in enumerate(axes.flat):
        axis.imshow(X[i], interpolation="nearest")
        axis.set_title("smiling (1)" if y[i] else "not smiling (0)", fontsize=8)
        axis.axis("off")
    figure.suptitle("Generated Happy House stand-ins (helpers.render_happy, seed 101)", fontsize=10)
    figure.tight_layout()
    figure.savefig(path)
    print(f"preview written to {path} ({os.path.getsize(path) / 1024:.0f} KB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="model seeds to train")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--preview", help="also write a labelled preview grid PNG to this path")
    args = parser.parse_args()

    start = time.perf_counter()
    X_train, y_train = render_happy.generate(600, 101)
    X_test, y_test = render_happy.generate(150, 102)
    print(f"generated 600 + 150 images in {time.perf_counter() - start:.1f} s; "
          f"smiling: {y_train.mean():.1%} of train, {y_test.mean():.1%} of test")
    if args.preview:
        write_preview(args.preview, X_train, y_train)

    import keras

    from helpers.models import HappyModel
    for seed in args.seeds:
        keras.utils.set_random_seed(seed)
        model = HappyModel()
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        start = time.perf_counter()
        history = model.fit(X_train / 255.0, y_train, epochs=args.epochs, batch_size=32, verbose=0,
                            validation_data=(X_test / 255.0, y_test))
        accuracy = np.array(history.history["val_accuracy"])
        reached = np.flatnonzero(accuracy >= 0.95)
        first = int(reached[0]) + 1 if reached.size else None
        late = accuracy[19:] if accuracy.size >= 20 else accuracy
        print(f"\nmodel seed {seed} ({model.count_params()} parameters, {time.perf_counter() - start:.0f} s): "
              f"epoch 1 {accuracy[0]:.3f}, first >= 0.95 at epoch {first}, final {accuracy[-1]:.3f}, "
              f"min over epochs 20-{len(accuracy)} {late.min():.3f}, train accuracy {history.history['accuracy'][-1]:.3f}")
        print("test accuracy per epoch: " + " ".join(f"{a:.2f}" for a in accuracy))


if __name__ == "__main__":
    main()
