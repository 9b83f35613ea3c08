"""Every picture the notebooks draw: image grids, learning curves, confusion matrices and model diagrams.

Figures of photos (image grids) are shown as JPEG in Jupyter, a fifth of the bytes of a PNG at the same
size; line plots and diagrams stay PNG, whose sharp edges JPEG would blur. Files go to ``output/``
(``helpers.session.output_path``).
"""
import io
import platform
import re
import shutil
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from helpers.i18n import _

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class GraphvizMissingError(RuntimeError):
    """pydot or Graphviz's ``dot`` program is missing, so a model diagram cannot be drawn."""


def graphviz_install_hint():
    """The exact command that installs Graphviz on this platform."""
    system = platform.system()
    if system == "Darwin":
        return "brew install graphviz"
    if system == "Windows":
        return _("winget install graphviz   (then restart Jupyter so PATH includes Graphviz's bin folder)")
    if Path("/etc/debian_version").exists():
        return _("sudo apt-get install graphviz   (Debian/Ubuntu; `make lab` does this for you)")
    if Path("/etc/fedora-release").exists() or Path("/etc/redhat-release").exists():
        return "sudo dnf install graphviz"
    if Path("/etc/arch-release").exists():
        return "sudo pacman -S graphviz"
    return _("your system's `graphviz` package, or: conda install -c conda-forge graphviz")


def check_graphviz():
    """Raise GraphvizMissingError, with install instructions, unless pydot and ``dot`` both work."""
    try:
        import pydot
    except ImportError:
        raise GraphvizMissingError(
            _("The Python package pydot is missing, so plot_model cannot draw diagrams. Install the pinned version "
              "with: pip install -r requirements.lock")
        ) from None
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, pydot.PydotException) as exc:
        found = shutil.which("dot")
        if found:
            message = _("Graphviz is missing, so plot_model cannot draw diagrams: `dot` at {found} does not run "
                        "({error}). Install it with: {hint}; conda users: conda install -c conda-forge graphviz. Then "
                        "restart the kernel.")
        else:
            message = _("Graphviz is missing, so plot_model cannot draw diagrams: `dot` is not on the PATH. Install it "
                        "with: {hint}; conda users: conda install -c conda-forge graphviz. Then restart the kernel.")
        raise GraphvizMissingError(message.format(found=found, error=exc, hint=graphviz_install_hint())) from None


class DiagramError(AssertionError):
    """A model diagram's boxes and arrows are not the model's layers and connections."""


def _keras_histories(value, found):
    """Collect the layer names of every ``keras_history`` in a layer config's inbound-node arguments."""
    if isinstance(value, dict):
        history = value.get("config", {}).get("keras_history") if value.get("class_name") == "__keras_tensor__" \
            else None
        if history is not None:
            found.append(history[0])
        else:
            for item in value.values():
                _keras_histories(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _keras_histories(item, found)
    return found


def model_connections(model):
    """The layers of ``model`` and which feeds which, read from the model itself, not from any diagram.

    Returns (names, edges): the set of layer names and the set of (source, destination) name pairs. For a
    functional model the connections come from its saved configuration (each layer's inbound tensors, the
    graph ``keras.saving`` writes); a Sequential model is a chain; a subclassed model has no graph to read,
    and plot_model draws it as a single box: ({model.name}, no edges).
    """
    import keras

    if not isinstance(model, (keras.Sequential, keras.src.models.Functional)):
        return {model.name}, set()  # plot_model draws a subclassed model as one box
    names = {layer.name for layer in model.layers}
    if isinstance(model, keras.Sequential):
        chain = [layer.name for layer in model.layers]
        return names, set(zip(chain, chain[1:]))
    config = model.get_config() if hasattr(model, "get_config") else None
    if not config or "layers" not in config:
        return names, None
    edges = set()
    for layer in config["layers"]:
        for source in _keras_histories(layer.get("inbound_nodes", []), []):
            edges.add((source, layer["name"]))
    return names, edges


def diagram_connections(dot, model):
    """The boxes and arrows of a diagram made by keras.utils.model_to_dot (plot_model's graph), as layer names.

    Returns (names, edges) like ``model_connections``; a box that is no layer of ``model`` is named '?<id>'.
    """
    by_id = {str(id(layer)): layer.name for layer in model.layers}
    by_id[str(id(model))] = model.name  # a subclassed model is drawn as one box

    def name(node_id):
        node_id = str(node_id).strip('"')
        return by_id.get(node_id, f"?{node_id}")

    nodes = {name(node.get_name()) for node in dot.get_nodes() if node.get_name().strip('"') not in ("node", "edge",
                                                                                                     "graph")}
    edges = {(name(edge.get_source()), name(edge.get_destination())) for edge in dot.get_edges()}
    return nodes, edges


def check_diagram(dot, model):
    """Raise DiagramError unless the diagram has one box per layer of ``model`` and one arrow per connection
    (a skip connection included). Returns the number of arrows checked."""
    want_nodes, want_edges = model_connections(model)
    got_nodes, got_edges = diagram_connections(dot, model)
    problems = []
    if got_nodes != want_nodes:
        problems.append(_("boxes missing: {missing}, boxes that are no layer: {extra}").format(
            missing=sorted(want_nodes - got_nodes), extra=sorted(got_nodes - want_nodes)))
    if want_edges is not None and got_edges != want_edges:
        problems.append(_("arrows missing: {missing}, arrows the model does not have: {extra}").format(
            missing=sorted(want_edges - got_edges), extra=sorted(got_edges - want_edges)))
    if problems:
        raise DiagramError(_("The diagram of {name!r} is not the model: {problems}").format(
            name=model.name, problems="; ".join(problems)))
    return len(got_edges)


def show_model(model, to_file=None, show_shapes=True, show_layer_names=True, width=None, dpi=96, **kwargs):
    """Draw ``model`` as keras.utils.plot_model does, check the drawing, and return the image for inline display.

    model     -- a built Keras model
    to_file   -- where to write the PNG (default: output/<model.name>.png)
    width     -- display width in pixels (None: natural size); the file keeps full resolution
    dpi       -- resolution of the PNG; other keyword arguments go to plot_model (rankdir, expand_nested, ...)

    The PNG is stored with a palette of at most 64 colours (a diagram has few), a third of the bytes.
    The graph is plot_model's own (keras.utils.model_to_dot with the same arguments, written with ``dot``), and
    before it is drawn ``check_diagram`` compares its boxes and arrows with the model's layers and connections.
    Returns an IPython.display.Image. Raises GraphvizMissingError when pydot or Graphviz is missing
    (plot_model itself only prints a line and returns None inside a notebook), or when no PNG came out;
    DiagramError when the graph is not the model (for a model with nested models, pass expand_nested=False).
    """
    import keras
    from IPython.display import Image

    from helpers.session import output_path

    check_graphviz()
    to_file = Path(to_file) if to_file is not None else output_path(f"{model.name}.png")
    dot = keras.utils.model_to_dot(model, show_shapes=show_shapes, show_layer_names=show_layer_names, dpi=dpi,
                                   **kwargs)
    if not kwargs.get("expand_nested"):
        check_diagram(dot, model)
    try:
        dot.write(str(to_file), format="png")
    except Exception as exc:  # pydot raises AssertionError when dot fails
        # Graphviz's router for right-angled edges (Keras' default splines="ortho") aborts on some graphs
        # ("maze.c: chkSgraph: Assertion failed", a Graphviz bug): draw those with polyline edges instead.
        if "chkSgraph" not in str(exc) and "returned code: -6" not in str(exc):
            raise
        dot.set("splines", "polyline")
        dot.write(str(to_file), format="png")
    _require_png(to_file)
    _shrink_png(to_file)
    return Image(filename=str(to_file), width=width)


def _require_png(path):
    """Raise GraphvizMissingError unless ``path`` holds a PNG image."""
    path = Path(path)
    if not path.exists() or path.read_bytes()[:8] != PNG_SIGNATURE:
        raise GraphvizMissingError(_("No PNG diagram was written to {path}; check that `dot -V` works in a terminal "
                                     "and that Graphviz can write PNG files. Install it with: {hint}").format(
                                         path=path, hint=graphviz_install_hint()))


def _shrink_png(path, colours=64):
    """Rewrite a diagram's PNG with an adaptive palette of ``colours`` colours (white background kept)."""
    from PIL import Image as PILImage

    with PILImage.open(path) as opened:
        rgb = opened.convert("RGBA")
        flat = PILImage.new("RGB", rgb.size, (255, 255, 255))
        flat.paste(rgb, mask=rgb.getchannel("A"))
    flat.quantize(colours, method=PILImage.Quantize.MEDIANCUT).save(path, optimize=True)


def _show_photos(fig, quality=85):
    """In Jupyter, display a figure of photos as a JPEG and close it; elsewhere leave it alone. Returns fig."""
    if "inline" not in matplotlib.get_backend():
        return fig
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", dpi=fig.dpi, bbox_inches="tight", pil_kwargs={"quality": quality})
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="jpeg"))
    return fig


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
    return _show_photos(fig)


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
    return _show_photos(fig)


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


def _one_image(image):
    """A batch of one image or one image -> the image (n_H, n_W, 3); ValueError for any other shape."""
    image = np.asarray(image)
    if image.ndim == 4 and image.shape[0] == 1:
        image = image[0]
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(_("image must have shape (1, n_H, n_W, 3) or (n_H, n_W, 3), got {shape}.").format(
            shape=image.shape))
    return image


def show_prediction(image, probability, class_names=("not smiling", "smiling"), threshold=0.5,
                    title="The model's prediction"):
    """Show one image beside the model's predicted probability of class 1, as a bar from 0 to 1.

    image       -- (1, n_H, n_W, 3) or (n_H, n_W, 3) array, float in [0, 1] or uint8 (what the model saw)
    probability -- the model's output for this image, a number in [0, 1] (any array with one value)
    class_names -- (name of class 0, name of class 1)
    threshold   -- probabilities at or above it are read as class 1
    Returns the matplotlib Figure.
    """
    image = _one_image(image)
    values = np.ravel(probability)
    if values.size != 1 or not 0.0 <= float(values[0]) <= 1.0:
        raise ValueError(_("probability must be one number in [0, 1] (a sigmoid output), got {probability!r}.")
                         .format(probability=probability))
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


# Lines told apart by more than colour: a colour-blind-safe palette (matplotlib's "tableau-colorblind10") with a
# marker and a line style of their own, in this order.
LINE_STYLES = [dict(color=colour, marker=marker, linestyle=style) for colour, marker, style in zip(
    ["#006BA4", "#FF800E", "#595959", "#ABABAB", "#5F9ED1", "#C85200", "#898989", "#A2C8EC", "#FFBC79", "#CFCFCF"],
    "osD^vP*Xph", ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), "-", "--", "-.", ":"])]


def plot_layer_norms(panels, title, xlabel="layer (1 = nearest the input)"):
    """Log-scale line plots of one number per layer (gradient norms, spreads), one panel per quantity.

    panels -- dict: panel title -> (y-axis label, dict: case name -> 1-D array, one value per layer)
    Each case keeps its colour, marker and line style across panels (``LINE_STYLES``). Returns the Figure.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 4.4), squeeze=False)
    styles = {}
    for ax, (panel_title, (ylabel, cases)) in zip(axes[0], panels.items()):
        for name, values in cases.items():
            values = np.asarray(values, dtype=float)
            style = styles.setdefault(name, LINE_STYLES[len(styles) % len(LINE_STYLES)])
            ax.semilogy(np.arange(1, len(values) + 1), values, label=name, markersize=4, linewidth=1.3, **style)
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

    losses -- dict: (kind, depth) -> the losses per epoch of one training (a list of numbers), or of several
              trainings from different seeds ({seed: list of numbers}); kind is "plain" or "residual"
    Left panel plain, right panel residual, same y axis. Each depth has its own colour, marker and line style;
    every seed is drawn, as a thin line. Returns the matplotlib Figure.
    """
    depths = sorted({depth for _, depth in losses})
    colours = {depth: plt.cm.viridis(i / max(1, len(depths) - 1) * 0.85) for i, depth in enumerate(depths)}
    markers, styles = "os^Dv", ["-", "--", "-.", ":"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, kind in zip(axes, ("plain", "residual")):
        for index, depth in enumerate(depths):
            if (kind, depth) not in losses:
                continue
            runs = losses[(kind, depth)]
            runs = runs if isinstance(runs, dict) else {None: runs}
            for number, values in enumerate(runs.values()):
                label = f"{kind}-{depth}" + (f" ({len(runs)} seeds)" if len(runs) > 1 else "")
                ax.plot(np.arange(1, len(values) + 1), values, color=colours[depth], marker=markers[index % 5],
                        linestyle=styles[index % 4], linewidth=1.2, markersize=4, label=None if number else label)
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
    return _show_photos(fig)


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


# ---- Notebook 07 (ResNet50): evaluation and the block-level overview ------------------------------


def plot_confusion_matrix(true, predicted, class_names, title="Confusion matrix", xlabel="predicted class",
                          ylabel="true class"):
    """Count, for each true class (row), how often each class was predicted (column); draw it as a grid.

    true, predicted -- arrays of m integer labels in range(len(class_names))
    class_names     -- the tick label of every class
    Returns the matplotlib Figure; the matrix itself is ``fig.confusion``, shape (C, C).
    """
    true, predicted = np.ravel(true).astype(int), np.ravel(predicted).astype(int)
    if true.shape != predicted.shape:
        raise ValueError(_("true and predicted must hold one label per example: got {true} and {predicted}.").format(
            true=true.size, predicted=predicted.size))
    n = len(class_names)
    confusion = np.zeros((n, n), dtype=int)
    np.add.at(confusion, (true, predicted), 1)
    fig, ax = plt.subplots(figsize=(1.0 + 0.6 * n, 0.6 + 0.6 * n))
    image = ax.imshow(confusion, cmap="Blues")
    for t in range(n):
        for p in range(n):
            ax.text(p, t, confusion[t, p], ha="center", va="center",
                    color="white" if confusion[t, p] > confusion.max() / 2 else "black")
    ax.set_xticks(range(n), class_names)
    ax.set_yticks(range(n), class_names)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(f"{title}, {true.size} images", fontsize=10)
    fig.colorbar(image, ax=ax, label="number of images")
    fig.tight_layout()
    fig.confusion = confusion
    return fig


def show_class_probabilities(image, probabilities, class_names, title, xlabel="class", caption=None):
    """Show one image beside the model's predicted probability of every class, as bars.

    image         -- (1, n_H, n_W, 3) or (n_H, n_W, 3), float in [0, 1] or uint8 (what the model saw)
    probabilities -- one probability per class (a softmax output), shape (C,) or (1, C)
    caption       -- text above the image (e.g. its file name)
    Returns the matplotlib Figure.
    """
    image = _one_image(image)
    probabilities = np.ravel(probabilities)
    if probabilities.size != len(class_names):
        raise ValueError(_("probabilities has {count} values for {classes} classes.").format(
            count=probabilities.size, classes=len(class_names)))
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3), gridspec_kw={"width_ratios": [1, 1.8]})
    left.imshow(image)
    left.set_title(caption or f"input ({image.shape[0]}x{image.shape[1]})", fontsize=10)
    left.axis("off")
    right.bar(range(probabilities.size), probabilities, color="tab:blue")
    right.set_xticks(range(probabilities.size), class_names)
    right.set_ylim(0, 1)
    right.set_xlabel(xlabel)
    right.set_ylabel("predicted probability")
    best = int(np.argmax(probabilities))
    right.set_title(f"prediction: {class_names[best]} (p = {probabilities[best]:.2f})", fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _block_of(name):
    """'res3b_branch2a' or 'bn3b_branch1' -> '3b'; any other name -> None."""
    match = re.fullmatch(r"(?:res|bn)(\d)([a-z])_branch\w+", name)
    return match.group(1) + match.group(2) if match else None


def _shape_text(shape):
    return " x ".join(str(d) for d in shape[1:])


def block_overview(model):
    """Group the layers of a ResNet with the course's layer names into its parts, in order.

    Returns a list of dicts: "name" (e.g. "stage 1", "block 2a", "output"), "kind" ("stem", "convolutional",
    "identity", "head"), "layers" (their names) and "output_shape" (of the part's last layer). A layer without
    a block name (a ReLU, an Add) belongs to the block before it; layers from 'avg_pool' on form the head.
    """
    parts = [{"name": "stage 1", "kind": "stem", "layers": []}]
    for layer in model.layers:
        block = _block_of(layer.name)
        if layer.name == "avg_pool":
            parts.append({"name": "output", "kind": "head", "layers": []})
        elif block is not None and parts[-1]["name"] != f"block {block}":
            parts.append({"name": f"block {block}", "kind": "identity", "layers": []})
        parts[-1]["layers"].append(layer.name)
        parts[-1]["output_shape"] = tuple(layer.output.shape)
        if layer.name.endswith("_branch1"):
            parts[-1]["kind"] = "convolutional"
    return parts


def plot_learning_rate(schedule, n_steps, title):
    """The learning rate a Keras schedule gives at each training step, from step 0 to ``n_steps``.

    schedule -- a keras.optimizers.schedules.LearningRateSchedule (or any callable step -> rate)
    Returns the matplotlib Figure.
    """
    steps = np.arange(n_steps + 1)
    fig, ax = plt.subplots(figsize=(6, 2.4))
    ax.plot(steps, [float(schedule(step)) for step in steps])
    ax.set_xlabel("training step")
    ax.set_ylabel("learning rate")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def block_overview_graph(model, dpi=80):
    """The pydot graph ``show_block_overview`` draws: one box per part (input, stem, each block, head), in order,
    each joined to the next; convolutional blocks filled orange. Raises ValueError for a model without the
    course's block names."""
    import pydot

    parts = block_overview(model)
    if len(parts) < 3:
        raise ValueError(_("Model {name!r} has no layers named like the course's ResNet blocks (res2a_branch2a, "
                           "bn2a_branch2a, ...): give the blocks stage= and block=.").format(name=model.name))
    graph = pydot.Dot(graph_type="digraph", rankdir="TB", dpi=dpi, nodesep="0.2", ranksep="0.15")
    graph.set_node_defaults(shape="box", style="rounded,filled", fontname="Helvetica", fontsize="11",
                            fillcolor="white", width="4.2", height="0.3")
    graph.add_node(pydot.Node("input", label=f"input  {_shape_text(model.inputs[0].shape)}", fillcolor="#e8e8e8"))
    previous = "input"
    for index, part in enumerate(parts):
        n_weighted = sum(1 for name in part["layers"] if model.get_layer(name).count_params())
        if part["kind"] == "stem":
            label, colour = f"stage 1: conv1, bn_conv1, ReLU, max-pool  ->  {_shape_text(part['output_shape'])}", "#e8e8e8"
        elif part["kind"] == "head":
            label, colour = f"{', '.join(part['layers'])}  ->  {_shape_text(part['output_shape'])}", "#e8e8e8"
        else:
            block = part["name"].split()[-1]
            filters = [model.get_layer(f"res{block}_branch2{c}").filters for c in "abc"]
            stride = model.get_layer(f"res{block}_branch2a").strides[0]
            label = (f"{part['name']}: {part['kind']} block {filters}"
                     + (f", s={stride}" if part["kind"] == "convolutional" else "")
                     + f"  ->  {_shape_text(part['output_shape'])}")
            colour = "#fdd9a8" if part["kind"] == "convolutional" else "white"
        node = f"part{index}"
        graph.add_node(pydot.Node(node, label=label, fillcolor=colour, tooltip=f"{n_weighted} layers with weights"))
        graph.add_edge(pydot.Edge(previous, node, arrowsize="0.6"))
        previous = node
    return graph


def show_block_overview(model, to_file=None, width=None, dpi=80):
    """Draw a ResNet one box per part (stem, each block, head) with its output shape: a map of the network.

    model -- a ResNet built with the course's layer names (res2a_branch2a, bn2a_branch1, avg_pool, ...)
    to_file -- where to write the PNG (default: output/<model.name>_overview.png)
    Convolutional blocks (with a projection shortcut) are drawn orange, identity blocks white
    (``block_overview_graph``). Returns an IPython.display.Image. Raises GraphvizMissingError when Graphviz is
    missing.
    """
    from IPython.display import Image

    from helpers.session import output_path

    check_graphviz()
    graph = block_overview_graph(model, dpi=dpi)
    to_file = Path(to_file) if to_file is not None else output_path(f"{model.name}_overview.png")
    to_file.write_bytes(graph.create_png())
    _require_png(to_file)
    _shrink_png(to_file)
    return Image(filename=str(to_file), width=width)
