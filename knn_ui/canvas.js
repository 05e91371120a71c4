// Browser half of knn_ui.canvas.knn_canvas (a st.components.v2 component).
//
// It draws a Plotly figure built in Python, reports a click anywhere on the plot area as data
// coordinates (setTriggerValue("click", {x, y})), and draws a hover preview of the neighbours
// of the grid cell under the pointer without a round trip to Python. It only draws and looks
// up: the neighbour table and the predicted class of every cell come from Python.
//
// Data arrives as the bytes of a UTF-8 JSON text (figure, hover table, plotly.js URL...).
// Text added to the page is set with textContent, never parsed as markup.

const INSTANCES = new WeakMap(); // parentElement -> Canvas
const G = globalThis;
const PREVIEW_RING_PX = 9;
const STAR_PX = 9;

// plotly.js is served by the app (Streamlit's static files) and added once per page as an async
// classic script: the browser downloads and compiles it off the main thread and caches it.
function loadPlotly(url) {
  if (G.Plotly) return Promise.resolve(G.Plotly);
  if (G.__knnCanvasPlotly) return G.__knnCanvasPlotly;
  G.__knnCanvasPlotly = new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.dataset.knnCanvas = "plotly";
    script.onload = () => {
      if (G.Plotly) resolve(G.Plotly);
      else reject(new Error("plotly.js ran but did not define window.Plotly"));
    };
    script.onerror = () => {
      script.remove();
      reject(new Error(`plotly.js did not load from ${url}`));
    };
    document.head.appendChild(script);
  }).catch((err) => {
    G.__knnCanvasPlotly = undefined; // the next payload tries again
    throw err;
  });
  return G.__knnCanvasPlotly;
}

function decodeMeta(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return JSON.parse(new TextDecoder().decode(u8));
}

function sameBytes(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const TYPED = { u1: Uint8Array, u2: Uint16Array, u4: Uint32Array, f8: Float64Array };

function decodeArray(spec) {
  const raw = atob(spec.data);
  const buf = new ArrayBuffer(raw.length);
  const u8 = new Uint8Array(buf);
  for (let i = 0; i < raw.length; i++) u8[i] = raw.charCodeAt(i);
  // The payload is little-endian, as is every browser platform Streamlit runs on.
  return new TYPED[spec.dtype](buf);
}

// Everything in a figure but what moves with the query: its layout shapes.
function figureKey(fig, height) {
  const { shapes, ...layout } = fig.layout || {};
  return JSON.stringify([fig.data || [], layout, height]);
}

function decodeHover(h) {
  if (!h) return null;
  return {
    x0: h.x0,
    y0: h.y0,
    dx: h.dx,
    dy: h.dy,
    nx: h.nx,
    ny: h.ny,
    k: h.k,
    neighbors: decodeArray(h.neighbors),
    prediction: decodeArray(h.prediction),
    points: decodeArray(h.points),
    colors: h.class_colors,
    names: h.class_names,
    query: h.query,
  };
}

function starPath(r) {
  let d = "";
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 ? r * 0.45 : r;
    d += `${i ? "L" : "M"}${(rr * Math.cos(a)).toFixed(2)},${(rr * Math.sin(a)).toFixed(2)}`;
  }
  return `${d}Z`;
}
const STAR = starPath(STAR_PX);

class Canvas {
  constructor(parent) {
    this.root = document.createElement("div");
    this.root.className = "knn-canvas";
    this.gd = document.createElement("div");
    this.gd.className = "knn-canvas-plot";
    this.status = document.createElement("div");
    this.status.className = "knn-canvas-status";
    this.label = document.createElement("div");
    this.label.className = "knn-canvas-label";
    this.label.hidden = true;
    // Accessibility: a named figure for screen readers (the number inputs beside the plot are
    // the keyboard way to place the query); the floating label repeats the status line.
    this.root.setAttribute("role", "figure");
    this.root.setAttribute("aria-label", "Interactive plot: click to place the query point");
    this.label.setAttribute("aria-hidden", "true");
    this.root.append(this.gd, this.label, this.status);
    parent.appendChild(this.root);

    this.latest = null; // newest decoded meta, waiting to be drawn
    this.lastBytes = null;
    this.hover = null;
    this.hoverId = "";
    this.figureKey = ""; // figureKey() of the figure drawn
    this.drawn = false;
    this.drawing = null; // promise of the render in progress
    this.pointer = null; // {clientX, clientY} of the last move over the plot
    this.previewOn = false;
    this.baseShapes = [];
    this.renders = 0;
    this.previews = 0;
    this.calls = 0;

    this.onMove = (e) => this.handleMove(e);
    this.onLeave = (e) => {
      // A press puts Plotly's full-page "dragcover" under the pointer until the release;
      // that is not leaving the plot (the preview is redrawn after the click's rerun).
      const to = e.relatedTarget;
      if (to && to.classList && to.classList.contains("dragcover")) return;
      this.pointer = null;
      this.clearPreview();
    };
    this.onClick = (e) => this.handleClick(e);
    this.gd.addEventListener("pointermove", this.onMove);
    this.gd.addEventListener("pointerleave", this.onLeave);
    this.gd.addEventListener("click", this.onClick);
    this.width = 0;
    this.resizer = new ResizeObserver(() => {
      const w = this.root.clientWidth;
      if (this.drawn && w && w !== this.width) {
        this.width = w;
        G.Plotly.Plots.resize(this.gd);
      }
    });
    this.resizer.observe(this.root);
  }

  destroy() {
    this.resizer.disconnect();
    this.gd.removeEventListener("pointermove", this.onMove);
    this.gd.removeEventListener("pointerleave", this.onLeave);
    this.gd.removeEventListener("click", this.onClick);
    if (this.drawn && G.Plotly) G.Plotly.purge(this.gd);
    this.root.remove();
  }

  showStatus(text) {
    // The line keeps its height when empty, so the page does not jump as the pointer moves.
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  receive(bytes) {
    const t0 = performance.now();
    // A rerun that changed nothing here (another widget moved) resends the same bytes.
    if (this.drawn && sameBytes(bytes, this.lastBytes)) return null;
    this.lastBytes = bytes;
    const meta = decodeMeta(bytes);
    this.latest = { meta, t0 };
    // Hold the plot's height while plotly.js loads, so the page does not jump.
    this.gd.style.minHeight = `${meta.height}px`;
    if (G.Plotly) return this.schedule();
    this.showStatus("Loading the plot…");
    return loadPlotly(meta.plotly).then(
      () => this.schedule(),
      (err) => {
        this.lastBytes = null; // drawn by no one: the same payload may be tried again
        this.showStatus(`The plot could not be drawn: ${err.message}`);
      },
    );
  }

  schedule() {
    // Coalesce: while one render runs, only the newest payload is drawn next.
    if (this.drawing) return this.drawing;
    const next = this.latest;
    if (!next) return null;
    this.latest = null;
    this.drawing = Promise.resolve(next)
      .then((payload) => this.render(payload))
      .catch((err) => this.showStatus(`The plot could not be drawn: ${err && err.message}`))
      .finally(() => {
        this.drawing = null;
        if (this.latest) this.schedule();
      });
    return this.drawing;
  }

  render({ meta, t0 }) {
    const Plotly = G.Plotly;
    const fig = meta.figure || {};
    const layout = { ...(fig.layout || {}) };
    layout.height = meta.height;
    layout.autosize = true;
    layout.dragmode = false;
    for (const name of Object.keys(layout)) {
      if (/^[xy]axis\d*$/.test(name)) layout[name] = { ...layout[name], fixedrange: true };
    }
    if (!layout.xaxis) layout.xaxis = { fixedrange: true };
    if (!layout.yaxis) layout.yaxis = { fixedrange: true };
    this.baseShapes = layout.shapes || [];
    const config = {
      displaylogo: false,
      responsive: false,
      scrollZoom: false,
      doubleClick: false,
      showTips: false,
      // Only "download as PNG": zoom, pan and autoscale would move the fixed axes.
      modeBarButtons: [["toImage"]],
      toImageButtonOptions: { filename: meta.filename || "knn-plot", scale: 2 },
    };
    // The hover table only changes with k or the data: decode it again only then.
    const hoverId = meta.hover ? meta.hover.neighbors.data + meta.hover.prediction.data : "";
    if (hoverId !== this.hoverId || !meta.hover) {
      this.hover = decodeHover(meta.hover);
      this.hoverId = hoverId;
    } else {
      this.hover.query = meta.hover.query;
    }
    this.hint = meta.hint || "click to place the query here";
    this.showStatus("");
    this.previewOn = false;
    this.label.hidden = true;
    const key = figureKey(fig, meta.height);
    let drawn;
    if (this.drawn && key === this.figureKey) {
      // Only the query moved. Plotly.react would recompute and redraw every trace (shape
      // coordinates count as a "calc" change there), and restyling even a legend entry
      // redoes every trace's defaults (~30 ms): relayout redraws the shapes alone (~5 ms).
      drawn = Plotly.relayout(this.gd, { shapes: this.baseShapes });
    } else {
      const draw = this.drawn ? Plotly.react : Plotly.newPlot;
      drawn = draw(this.gd, fig.data || [], layout, config);
    }
    this.figureKey = key;
    return drawn.then(
      () => this.afterDraw(t0),
      (err) => this.showStatus(`The plot could not be drawn: ${err && err.message}`),
    );
  }

  afterDraw(t0) {
    this.drawn = true;
    this.width = this.root.clientWidth;
    this.renders += 1;
    this.root.dataset.renders = String(this.renders);
    this.root.dataset.renderMs = (performance.now() - t0).toFixed(1);
    this.root.dataset.renderedAt = performance.now().toFixed(1);
    if (this.pointer) this.preview(this.pointer.clientX, this.pointer.clientY, null);
  }

  plotXY(clientX, clientY) {
    // Pixel -> data with Plotly's own axis conversion; null outside the axes area.
    const fl = this.gd._fullLayout;
    if (!fl || !fl.xaxis || !fl.yaxis) return null;
    const xa = fl.xaxis;
    const ya = fl.yaxis;
    const rect = this.gd.getBoundingClientRect();
    const px = clientX - rect.left - xa._offset;
    const py = clientY - rect.top - ya._offset;
    if (!(px >= 0 && px <= xa._length && py >= 0 && py <= ya._length)) return null;
    return { x: xa.p2d(px), y: ya.p2d(py), px: px + xa._offset, py: py + ya._offset };
  }

  handleMove(e) {
    if (!this.drawn) return;
    if (e.target.closest && e.target.closest(".modebar, .legend")) {
      this.pointer = null;
      this.clearPreview();
      return;
    }
    this.pointer = { clientX: e.clientX, clientY: e.clientY };
    // While a new figure is being drawn, only remember the pointer: the render redraws the
    // preview at the newest position when it is done.
    if (!this.drawing) this.preview(e.clientX, e.clientY, e.timeStamp);
  }

  handleClick(e) {
    if (!this.drawn || !this.setTriggerValue) return;
    if (e.target.closest && e.target.closest(".modebar, .legend")) return;
    const p = this.plotXY(e.clientX, e.clientY);
    if (!p || !Number.isFinite(p.x) || !Number.isFinite(p.y)) return;
    // A tap reaches us twice (Plotly's synthetic click and the browser's own): send it once.
    const now = performance.now();
    const last = this.lastClick;
    if (last && now - last.t < 400 && last.cx === e.clientX && last.cy === e.clientY) return;
    this.lastClick = { t: now, cx: e.clientX, cy: e.clientY };
    this.root.dataset.lastClick = `${p.x},${p.y}`;
    this.root.dataset.clicks = String(Number(this.root.dataset.clicks || 0) + 1);
    this.setTriggerValue("click", { x: p.x, y: p.y });
  }

  preview(clientX, clientY, eventTime) {
    const h = this.hover;
    const p = h ? this.plotXY(clientX, clientY) : null;
    if (!p) return this.clearPreview();
    const j = Math.round((p.x - h.x0) / h.dx);
    const i = Math.round((p.y - h.y0) / h.dy);
    // Outside the grid (an axis range wider than the grid) there is nothing to look up.
    if (!(j >= 0 && j < h.nx && i >= 0 && i < h.ny)) return this.clearPreview();
    const cell = i * h.nx + j;
    const code = h.prediction[cell];
    const color = h.colors[code % h.colors.length];
    const name = h.names[code % h.names.length];
    const shapes = this.baseShapes.slice();
    let spokes = "";
    const nb = h.neighbors.subarray(cell * h.k, cell * h.k + h.k);
    for (let r = 0; r < nb.length; r++) {
      const nxp = h.points[2 * nb[r]];
      const nyp = h.points[2 * nb[r] + 1];
      spokes += `M${p.x},${p.y}L${nxp},${nyp}`;
      shapes.push({
        type: "circle",
        xref: "x",
        yref: "y",
        xsizemode: "pixel",
        ysizemode: "pixel",
        xanchor: nxp,
        yanchor: nyp,
        x0: -PREVIEW_RING_PX,
        x1: PREVIEW_RING_PX,
        y0: -PREVIEW_RING_PX,
        y1: PREVIEW_RING_PX,
        line: { color: "#1b1b1b", width: 1.5, dash: "dot" },
        layer: "above",
        name: "knn-preview-ring",
      });
    }
    shapes.push({
      type: "path",
      xref: "x",
      yref: "y",
      path: spokes,
      line: { color: color, width: 1.5, dash: "dot" },
      layer: "above",
      name: "knn-preview-spokes",
    });
    const nearQuery =
      h.query && this.nearQuery(h.query[0], h.query[1], p.px, p.py, 2 * STAR_PX);
    if (!nearQuery) {
      shapes.push({
        type: "path",
        xref: "x",
        yref: "y",
        xsizemode: "pixel",
        ysizemode: "pixel",
        xanchor: p.x,
        yanchor: p.y,
        path: STAR,
        fillcolor: color,
        opacity: 0.9,
        line: { color: "#1b1b1b", width: 1 },
        layer: "above",
        name: "knn-preview-star",
      });
    }
    this.previewOn = true;
    // Layout shapes redraw on their own ("arraydraw"): ~3 ms. Restyling extra traces made
    // Plotly recompute and redraw every trace, heatmap included (~70 ms), and a Plotly
    // annotation for the label cost ~25 ms (annotations can move autoranges, so Plotly
    // recalculates), hence the label is a plain element moved with a transform.
    const drawn = G.Plotly.relayout(this.gd, { shapes });
    this.showLabel(name, color, p.px, p.py);
    this.showStatus(`Preview: ${name} (${this.hint})`);
    this.previews += 1;
    const ds = this.root.dataset;
    ds.previews = String(this.previews);
    ds.previewCell = `${i},${j}`;
    ds.previewClass = String(code);
    if (eventTime != null) {
      drawn.then(() => {
        ds.previewMs = (performance.now() - eventTime).toFixed(2);
      });
    }
    return null;
  }

  nearQuery(qx, qy, px, py, radius) {
    const fl = this.gd._fullLayout;
    const qpx = fl.xaxis.d2p(qx) + fl.xaxis._offset;
    const qpy = fl.yaxis.d2p(qy) + fl.yaxis._offset;
    return Math.hypot(qpx - px, qpy - py) < radius;
  }

  showLabel(text, color, px, py) {
    const label = this.label;
    if (label.textContent !== text) label.textContent = text;
    label.style.color = color;
    label.style.transform = `translate(${px + STAR_PX + 4}px, ${py - STAR_PX - 22}px)`;
    label.hidden = false;
  }

  clearPreview() {
    if (!this.previewOn) return;
    this.previewOn = false;
    G.Plotly.relayout(this.gd, { shapes: this.baseShapes });
    this.label.hidden = true;
    this.showStatus("");
    this.root.dataset.previewCell = "";
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let canvas = INSTANCES.get(parentElement);
  if (!canvas) {
    canvas = new Canvas(parentElement);
    INSTANCES.set(parentElement, canvas);
  }
  canvas.setTriggerValue = setTriggerValue;
  canvas.calls += 1;
  const call = canvas.calls;
  if (data) canvas.receive(data);
  // Streamlit keeps only the newest cleanup and runs it on unmount; an older one can still be
  // run for a superseded call, so only the newest call may tear the plot down.
  return () => {
    if (INSTANCES.get(parentElement) === canvas && canvas.calls === call) {
      canvas.destroy();
      INSTANCES.delete(parentElement);
    }
  };
}
