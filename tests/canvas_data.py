"""What an AppTest run sent to a plot (``knn_ui.canvas.knn_canvas``): its two elements, read
back as one dict (the plot's payload, with the layer's ``figure`` and ``preview``)."""

from __future__ import annotations

import json

from knn_ui.components import component_name


def sent(at, key: str) -> dict:
    """Return the payload of the plot ``key`` joined with its layer's figure and preview."""
    found = {}
    for element in at.get("bidi_component"):
        for stem, suffix in (("canvas", f"-{key}"), ("canvas_layer", f"-{key}_layer")):
            if element.proto.component_name == component_name(stem) and element.proto.id.endswith(
                suffix
            ):
                assert stem not in found, f"two elements for {stem} {key!r}"
                found[stem] = element.proto.bytes
    meta = json.loads(found["canvas"].decode("utf-8"))
    raw = found["canvas_layer"]
    layer_id, layer = raw[:24].decode("ascii"), json.loads(raw[24:].decode("utf-8"))
    assert meta["layer"] == layer_id  # the plot names the layer sent with it
    return {**meta, **layer}
