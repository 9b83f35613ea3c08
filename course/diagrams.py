"""A model diagram held against the model: the same boxes and the same arrows, skip connections included.

``keras.utils.plot_model`` draws the graph of ``keras.utils.model_to_dot``; ``helpers.plots.show_model`` draws the
same graph. The tests read every diagram a lesson shows through ``check_diagram``: a diagram that lost a layer or
an arrow (a skip connection drawn as a chain) fails them.
"""


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
        problems.append(f"boxes missing: {sorted(want_nodes - got_nodes)}, boxes that are no layer: "
                        f"{sorted(got_nodes - want_nodes)}")
    if want_edges is not None and got_edges != want_edges:
        problems.append(f"arrows missing: {sorted(want_edges - got_edges)}, arrows the model does not have: "
                        f"{sorted(got_edges - want_edges)}")
    if problems:
        raise DiagramError(f"The diagram of {model.name!r} is not the model: {'; '.join(problems)}")
    return len(got_edges)
