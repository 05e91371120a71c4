// Browser half of knn_ui.canvas.PlotLayer: what a plot shows that stays put while the query
// moves (the figure without its shapes, the preview's points and model), sent by Python as an
// element of its own just before the plot's. Its bytes are a 24-character id and a UTF-8 JSON
// text; it is parsed only when the id is new, and kept for the plots of the page (canvas.js)
// in a small store shared by every canvas, newest last.

const G = globalThis;
const KEEP = 8; // layers kept: a page shows at most a few plots

function layers() {
  if (!G.__knnCanvasLayers) G.__knnCanvasLayers = { byId: new Map(), waiting: new Map() };
  return G.__knnCanvasLayers;
}

export default function (component) {
  const { data, parentElement } = component;
  if (!parentElement.querySelector(".knn-canvas-layer")) {
    const marker = document.createElement("span");
    marker.className = "knn-canvas-layer"; // hides this element's slot (canvas_layer.css)
    marker.hidden = true;
    parentElement.appendChild(marker);
  }
  if (!data) return;
  const u8 = data instanceof Uint8Array ? data : new Uint8Array(data);
  const decoder = new TextDecoder();
  const id = decoder.decode(u8.subarray(0, 24));
  const store = layers();
  let layer = store.byId.get(id);
  if (layer) {
    store.byId.delete(id); // newest last
  } else {
    layer = JSON.parse(decoder.decode(u8.subarray(24)));
  }
  store.byId.set(id, layer);
  while (store.byId.size > KEEP) store.byId.delete(store.byId.keys().next().value);
  const waiting = store.waiting.get(id);
  if (waiting) {
    store.waiting.delete(id);
    for (const resolve of waiting) resolve(layer);
  }
}
