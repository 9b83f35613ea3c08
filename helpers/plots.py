"""Every picture the notebooks draw: image grids, learning curves and model diagrams."""
import platform
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np


class GraphvizMissingError(RuntimeError):
    """pydot or Graphviz's ``dot`` program is missing, so a model diagram cannot be drawn."""


def graphviz_install_hint():
    """The exact command that installs Graphviz on this platform."""
    system = platform.system()
    if system == "Darwin":
        return "brew install graphviz"
    if system == "Windows":
        return "winget install graphviz   (then restart Jupyter so PATH includes Graphviz's bin folder)"
    if Path("/etc/debian_version").exists():
        return "sudo apt-get install graphviz   (Debian/Ubuntu; `make lab` does this for you)"
    if Path("/etc/fedora-release").exists() or Path("/etc/redhat-release").exists():
        return "sudo dnf install graphviz"
    if Path("/etc/arch-release").exists():
        return "sudo pacman -S graphviz"
    return "your system's `graphviz` package, or: conda install -c conda-forge graphviz"


def check_graphviz():
    """Raise GraphvizMissingError, with install instructions, unless pydot and ``dot`` both work."""
    try:
        import pydot
    except ImportError:
        raise GraphvizMissingError(
            "The Python package pydot is missing, so plot_model cannot draw diagrams. "
            "Install the pinned version with: pip install -r requirements.lock"
        ) from None
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, pydot.PydotException) as exc:
        found = shutil.which("dot")
        where = f"`dot` at {found} does not run ({exc})" if found else "`dot` is not on the PATH"
        raise GraphvizMissingError(
            f"Graphviz is missing, so plot_model cannot draw diagrams: {where}. "
            f"Install it with: {graphviz_install_hint()}; conda users: conda install -c conda-forge graphviz. "
            "Then restart the kernel."
        ) from None


def show_model(model, to_file=None, show_shapes=True, show_layer_names=True, width=None, dpi=96, **kwargs):
    """Draw ``model`` with keras.utils.plot_model and return the image for inline display.

    model     -- a built Keras model
    to_file   -- where to write the PNG (default: "<model.name>.png" in the current folder)
    width     -- display width in pixels (None: natural size); the file keeps full resolution
    dpi       -- resolution of the PNG; other keyword arguments go to plot_model (rankdir, expand_nested, ...)

    Returns an IPython.display.Image. Raises GraphvizMissingError when pydot or Graphviz is missing
    (plot_model itself only prints a line and returns None inside a notebook).
    """
    import keras
    from IPython.display import Image

    check_graphviz()
    to_file = Path(to_file if to_file is not None else f"{model.name}.png")
    keras.utils.plot_model(model, to_file=str(to_file), show_shapes=show_shapes,
                           show_layer_names=show_layer_names, dpi=dpi, **kwargs)
    if not to_file.exists() or to_file.stat().st_size == 0:
        raise GraphvizMissingError(f"plot_model wrote no diagram to {to_file}; check that `dot -V` works.")
    return Image(filename=str(to_file), width=width)


def show_images(X, labels=None, class_names=None, n_rows=2, n_cols=8, title=None, size=1.4, indices=None):
    """Show images in a grid with their labels.

    X           -- array (m, n_H, n_W, 3), uint8 0-255 or float 0-1
    labels      -- array-like of m labels (int) or strings, or None
    class_names -- dict or list mapping a label to the text shown (default: the label itself)
    indices     -- which images to show (default: the first n_rows * n_cols)
    Returns the matplotlib Figure.
    """
    X = np.asarray(X)
    if indices is None:
        indices = np.arange(min(len(X), n_rows * n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(size * n_cols, size * n_rows + (0.4 if title else 0)))
    for ax in np.ravel(axes):
        ax.axis("off")
    for ax, index in zip(np.ravel(axes), indices):
        ax.imshow(X[index])
        if labels is not None:
            label = np.ravel(labels)[index] if not isinstance(labels, (list, tuple)) else labels[index]
            text = class_names[label] if class_names is not None else str(label)
            ax.set_title(text, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_images_by_class(X, Y, classes, per_class=8, class_names=None, title=None, size=1.2):
    """Show ``per_class`` examples of every class, one row per class, with the count per class.

    X -- (m, 64, 64, 3) images; Y -- labels of shape (1, m) or (m,); classes -- the class labels.
    Returns the matplotlib Figure.
    """
    y = np.ravel(Y)
    fig, axes = plt.subplots(len(classes), per_class, figsize=(size * per_class, size * len(classes) + 0.5))
    for row, label in enumerate(classes):
        chosen = np.flatnonzero(y == label)[:per_class]
        for col in range(per_class):
            ax = axes[row, col]
            ax.set_xticks([])
            ax.set_yticks([])
            if col < len(chosen):
                ax.imshow(X[chosen[col]])
            else:
                ax.axis("off")
        name = class_names[label] if class_names is not None else str(label)
        axes[row, 0].set_ylabel(f"{name}\n(n={int(np.sum(y == label))})", rotation=0, ha="right",
                                va="center", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history, metrics=("loss", "accuracy"), title="Learning curves"):
    """Plot training (and validation, if recorded) curves per epoch, one panel per metric.

    history -- a keras History object or its ``.history`` dict
    Returns the matplotlib Figure.
    """
    logs = history.history if hasattr(history, "history") else history
    metrics = [m for m in metrics if m in logs]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], marker=".", label="training")
        if "val_" + metric in logs:
            ax.plot(epochs, logs["val_" + metric], marker=".", label="test")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(f"{metric} per epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# ---- Notebook 02 (HappyModel): one image and the model's probability --------------------------


def show_prediction(image, probability, class_names=("not smiling", "smiling"), threshold=0.5,
                    title="The model's prediction"):
    """Show one image beside the model's predicted probability of class 1, as a bar from 0 to 1.

    image       -- (1, n_H, n_W, 3) or (n_H, n_W, 3) array, float in [0, 1] or uint8 (what the model saw)
    probability -- the model's output for this image, a number in [0, 1] (any array with one value)
    class_names -- (name of class 0, name of class 1)
    threshold   -- probabilities at or above it are read as class 1
    Returns the matplotlib Figure.
    """
    image = np.asarray(image)
    if image.ndim == 4 and image.shape[0] == 1:
        image = image[0]
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(f"image must have shape (1, n_H, n_W, 3) or (n_H, n_W, 3), got {image.shape}.")
    values = np.ravel(probability)
    if values.size != 1 or not 0.0 <= float(values[0]) <= 1.0:
        raise ValueError(f"probability must be one number in [0, 1] (a sigmoid output), got {probability!r}.")
    p = float(values[0])
    decision = class_names[1] if p >= threshold else class_names[0]
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.2), gridspec_kw={"width_ratios": [1, 1.6]})
    left.imshow(image)
    left.set_title(f"input ({image.shape[0]}x{image.shape[1]})", fontsize=10)
    left.axis("off")
    right.barh([0], [p], height=0.6, color="tab:green" if p >= threshold else "tab:red")
    right.axvline(threshold, color="black", linestyle="--", linewidth=1)
    right.text(threshold, 0.72, f" threshold {threshold:g}", fontsize=8, va="center")
    right.set_xlim(0, 1)
    right.set_ylim(-1, 1)
    right.set_yticks([])
    right.set_xlabel(f"predicted probability of '{class_names[1]}'")
    right.set_title(f"p = {p:.2f}: {decision}", fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# ---- Notebook 07 (ResNet50): a very tall diagram, whole, in columns --------------------------------


def show_tall_image(path, n_columns=6, title=None, column_width=2.2):
    """Show a very tall image (a plot_model diagram of a deep network) whole, cut into side-by-side columns.

    path         -- the PNG file, e.g. what ``show_model(model, to_file=...)`` wrote
    n_columns    -- how many pieces to cut it into; read them left to right, each from top to bottom
    column_width -- width of each column in inches
    Each cut is moved to the nearby row with the least ink, so that it falls between two boxes.
    Returns the matplotlib Figure.
    """
    from PIL import Image

    with Image.open(path) as opened:
        gray = opened.convert("L")
        scale = min(1.0, 2 * 100 * column_width / gray.width)  # about 2 pixels per screen pixel at 100 dpi
        gray = gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))), Image.LANCZOS)
        image = np.asarray(gray)
    height, width = image.shape
    ink = (image < 128).sum(axis=1)
    step = height / n_columns
    window = int(step / 8)
    cuts = [0]
    for k in range(1, n_columns):
        target = int(k * step)
        low, high = max(cuts[-1] + 1, target - window), min(height - 1, target + window)
        cuts.append(low + int(np.argmin(ink[low:high])))
    cuts.append(height)
    tallest = max(b - a for a, b in zip(cuts, cuts[1:]))
    fig, axes = plt.subplots(1, n_columns, figsize=(column_width * n_columns,
                                                    column_width * tallest / width + (0.5 if title else 0)))
    for index, (ax, top, bottom) in enumerate(zip(np.ravel(axes), cuts, cuts[1:])):
        piece = np.full((tallest, width), 255, dtype=np.uint8)
        piece[:bottom - top] = image[top:bottom]
        ax.imshow(piece, cmap="gray", vmin=0, vmax=255, interpolation="antialiased")
        ax.set_title(f"part {index + 1} of {n_columns}", fontsize=9)
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# ---- Notebooks 03 (why ResNets) and 04 (BatchNorm and initialisation) -------------------------------


def plot_activation_histograms(activations, title, n_cols=5, bins=50, value_range=(0.0, 1.0)):
    """One small histogram per layer of a deep network's activations, in depth order.

    activations -- list of arrays, the output of layer 1, 2, ... (any shape; all values are pooled)
    value_range -- (low, high) of the x axis, shared by every panel (0-1 for a sigmoid)
    Each panel's title gives the layer and the range holding 98% of its values (1st to 99th percentile).
    Returns the matplotlib Figure.
    """
    n_rows = int(np.ceil(len(activations) / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(2.3 * n_cols, 1.7 * n_rows + 0.8), sharex=True)
    for ax in np.ravel(axes)[len(activations):]:
        ax.axis("off")
    for index, (ax, values) in enumerate(zip(np.ravel(axes), activations)):
        values = np.ravel(np.asarray(values))
        low, high = np.percentile(values, [1, 99])
        ax.hist(values, bins=bins, range=value_range, color="tab:blue")
        ax.axvspan(low, high, color="tab:orange", alpha=0.15)
        ax.set_title(f"layer {index + 1}: {low:.2f}-{high:.2f}", fontsize=9)
        ax.set_yticks([])
        ax.set_xlim(*value_range)
    fig.supxlabel("activation value (shaded: 1st to 99th percentile)")
    fig.supylabel("count")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_layer_norms(panels, title, xlabel="layer (1 = nearest the input)"):
    """Log-scale line plots of one number per layer (gradient norms, spreads), one panel per quantity.

    panels -- dict: panel title -> (y-axis label, dict: case name -> 1-D array, one value per layer)
    Cases keep their colour across panels. Returns the matplotlib Figure.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 4.4), squeeze=False)
    colours = {}
    for ax, (panel_title, (ylabel, cases)) in zip(axes[0], panels.items()):
        for name, values in cases.items():
            values = np.asarray(values, dtype=float)
            colour = colours.setdefault(name, f"C{len(colours)}")
            ax.semilogy(np.arange(1, len(values) + 1), values, marker=".", label=name, color=colour)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(panel_title)
        ax.grid(alpha=0.3, which="both")
    axes[0][-1].legend(fontsize=8, loc="best")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_degradation(losses, title):
    """Training loss per epoch of plain and residual networks side by side (He et al. 2016, figure 4).

    losses -- dict: (kind, depth) -> list of losses per epoch, kind "plain" or "residual"
    Left panel plain, right panel residual, same y axis; the colour encodes the depth.
    Returns the matplotlib Figure.
    """
    depths = sorted({depth for _, depth in losses})
    colours = {depth: plt.cm.viridis(i / max(1, len(depths) - 1) * 0.85) for i, depth in enumerate(depths)}
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, kind in zip(axes, ("plain", "residual")):
        for depth in depths:
            if (kind, depth) in losses:
                values = losses[(kind, depth)]
                ax.plot(np.arange(1, len(values) + 1), values, marker=".", color=colours[depth],
                        linewidth=1 + depth / max(depths) * 1.5, label=f"{kind}-{depth}")
        ax.set_xlabel("epoch")
        ax.set_title(f"{kind} networks")
        ax.grid(alpha=0.3)
        ax.legend()
    axes[0].set_ylabel("training loss (cross-entropy)")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_image_rows(rows, title, size=1.5):
    """Show images in rows, one row per version of the same images, each stretched to the full range.

    rows -- dict: row label -> array (n, n_H, n_W, 3) of any value range; every row has the same n
    Each image is rescaled on its own to [0, 1] (min to max) for display. Returns the matplotlib Figure.
    """
    labels = list(rows)
    n = len(rows[labels[0]])
    fig, axes = plt.subplots(len(labels), n, figsize=(size * n + 1.2, size * len(labels) + 0.5), squeeze=False)
    for row, label in enumerate(labels):
        for col in range(n):
            image = np.asarray(rows[label][col], dtype=float)
            image = (image - image.min()) / max(image.max() - image.min(), 1e-12)
            ax = axes[row, col]
            ax.imshow(image)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_histograms_with_theory(samples, densities, title, xlabel="weight value", bins=80):
    """Histograms of drawn values (as densities) with a theoretical density curve on top, one panel each.

    samples   -- dict: panel title -> array of values
    densities -- dict: panel title -> callable pdf(x) (the same keys as ``samples``)
    Returns the matplotlib Figure.
    """
    fig, axes = plt.subplots(1, len(samples), figsize=(5.2 * len(samples), 3.6), sharex=True, squeeze=False)
    for ax, (name, values) in zip(axes[0], samples.items()):
        values = np.ravel(np.asarray(values))
        ax.hist(values, bins=bins, density=True, color="tab:blue", alpha=0.6, label="drawn")
        x = np.linspace(values.min() * 1.15, values.max() * 1.15, 400)
        ax.plot(x, densities[name](x), color="black", linewidth=1.5, label="theory")
        ax.set_title(name)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("density")
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
