// Browser half of knn_ui.canvas.knn_canvas (a st.components.v2 component).
//
// It draws a Plotly figure built in Python, reports a click (or a lifted finger) anywhere on
// the plot area as data coordinates (setTriggerValue("click", {x, y})), and previews the
// neighbours and the vote of the spot under the pointer (or finger) without a round trip to
// Python, by an exact search over the training points that follows knn_core's rules.
//
// Data arrives as the bytes of a UTF-8 JSON text (figure, preview points, plotly.js URL...).
// Text added to the page is set with textContent, never parsed as markup.

const INSTANCES = new WeakMap(); // parentElement -> Canvas
const G = globalThis;
const PREVIEW_RING_PX = 9;
const STAR_PX = 9;

// plotly.js is served by the app (Streamlit's static files) in two bundles: a small one and
// the full one (see knn_ui/canvas.py). A payload names the bundles that can draw its
// figure, the smaller first (meta.plotly). A page adds each bundle at most once, as an async
// classic script: the browser downloads and compiles it off the main thread and caches it.
// Each bundle defines window.Plotly when it runs; a plot keeps the Plotly that drew it.
const BUNDLES = (G.__knnCanvasPlotly ??= new Map()); // url -> Promise of {url, Plotly}
const LOADED = (G.__knnCanvasPlotlyLoaded ??= new Map()); // url -> {url, Plotly}

// The bundle of the first of `urls` already loaded, or null.
function loadedPlotly(urls) {
  for (const url of urls) if (LOADED.has(url)) return LOADED.get(url);
  return null;
}

// The bundle of the first of `urls` loaded or loading, else of urls[0], which it adds.
function loadPlotly(urls) {
  for (const url of urls) if (BUNDLES.has(url)) return BUNDLES.get(url);
  const url = urls[0];
  const loading = new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.dataset.knnCanvas = "plotly";
    script.onload = () => {
      if (G.Plotly) resolve({ url, Plotly: G.Plotly });
      else reject(new Error("plotly.js ran but did not define window.Plotly"));
    };
    script.onerror = () => {
      script.remove();
      reject(new Error(`plotly.js did not load from ${url}`));
    };
    document.head.appendChild(script);
  }).then(
    (bundle) => {
      LOADED.set(url, bundle);
      return bundle;
    },
    (err) => {
      BUNDLES.delete(url); // the next payload tries again
      throw err;
    },
  );
  BUNDLES.set(url, loading);
  return loading;
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

// The layer (figure and preview points, canvas_layer.js) a payload names, once it has arrived:
// its element comes just before the plot's, so it is almost always there already.
function layerFor(id) {
  if (!G.__knnCanvasLayers) G.__knnCanvasLayers = { byId: new Map(), waiting: new Map() };
  const store = G.__knnCanvasLayers;
  const layer = store.byId.get(id);
  if (layer) return Promise.resolve(layer);
  return new Promise((resolve, reject) => {
    const waiting = store.waiting.get(id) || [];
    waiting.push(resolve);
    store.waiting.set(id, waiting);
    setTimeout(() => reject(new Error("its data did not arrive")), 60000);
  });
}

// ---------------------------------------------------------------------------------------------
// The exact neighbour search behind the preview. It follows knn_core's rules to the last bit:
// distances computed as scipy computes them (query minus point, per coordinate, summed in
// coordinate order; sqrt for Euclidean, pow(sum, 1 / p) for Minkowski, and p = 1, 2, inf use
// the Manhattan, Euclidean and Chebyshev formulas as knn_core does), neighbours ordered by
// (distance, training index), weights 1 / d unless the query sits exactly on training points
// (then only those vote, with weight 1), the tally summed in neighbour order, and the winner
// the first class within 1e-12 (relative) of the top score (knn_core.neighbors.resolve_vote).
// tests/test_preview_browser.py compares it with knn_core at thousands of spots.
//
// The points are bucketed in a grid of about two points per cell; a query visits rings of
// cells outward from its own and stops when no unvisited cell can hold a point as close as
// the k-th found: every Minkowski distance (p >= 1) is at least the largest coordinate gap.
class Neighbours {
  constructor(spec) {
    const xy = decodeArray(spec.points);
    const n = xy.length / 2;
    this.n = n;
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.xs[i] = xy[2 * i];
      this.ys[i] = xy[2 * i + 1];
    }
    this.codes = decodeArray(spec.codes);
    this.nClasses = spec.class_names.length;
    this.k = Math.min(spec.k, n);
    this.weights = spec.weights;
    const p = spec.metric === "euclidean" ? 2 : spec.metric === "manhattan" ? 1 : spec.p;
    this.kind =
      spec.metric === "chebyshev" || p === null || p === Infinity
        ? "chebyshev"
        : p === 2
          ? "euclidean"
          : p === 1
            ? "manhattan"
            : "minkowski";
    this.p = p;
    this.invP = 1 / p;
    this.buildGrid();
  }

  buildGrid() {
    const { n, xs, ys } = this;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      if (xs[i] < x0) x0 = xs[i];
      if (xs[i] > x1) x1 = xs[i];
      if (ys[i] < y0) y0 = ys[i];
      if (ys[i] > y1) y1 = ys[i];
    }
    const w = x1 - x0;
    const h = y1 - y0;
    const cells = Math.max(1, n / 2);
    let nx;
    let ny;
    if (w > 0 && h > 0) {
      nx = Math.round(Math.sqrt((cells * w) / h));
      ny = Math.round(Math.sqrt((cells * h) / w));
    } else {
      nx = w > 0 ? Math.round(cells) : 1;
      ny = h > 0 ? Math.round(cells) : 1;
    }
    nx = Math.min(1024, Math.max(1, nx));
    ny = Math.min(1024, Math.max(1, ny));
    this.gx0 = x0;
    this.gy0 = y0;
    this.cw = w > 0 ? w / nx : 1;
    this.ch = h > 0 ? h / ny : 1;
    this.nx = nx;
    this.ny = ny;
    const cellOf = new Int32Array(n);
    const start = new Int32Array(nx * ny + 1);
    for (let i = 0; i < n; i++) {
      const c = this.cellY(ys[i]) * nx + this.cellX(xs[i]);
      cellOf[i] = c;
      start[c + 1] += 1;
    }
    for (let c = 0; c < nx * ny; c++) start[c + 1] += start[c];
    const fill = start.slice(0, nx * ny);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[cellOf[i]]++] = i; // ascending index in each cell
    this.start = start;
    this.order = order;
  }

  cellX(x) {
    return Math.min(this.nx - 1, Math.max(0, Math.floor((x - this.gx0) / this.cw)));
  }

  cellY(y) {
    return Math.min(this.ny - 1, Math.max(0, Math.floor((y - this.gy0) / this.ch)));
  }

  distance(qx, qy, i) {
    const a = qx - this.xs[i];
    const b = qy - this.ys[i];
    switch (this.kind) {
      case "euclidean":
        return Math.sqrt(a * a + b * b);
      case "manhattan":
        return Math.abs(a) + Math.abs(b);
      case "chebyshev":
        return Math.max(Math.abs(a), Math.abs(b));
      default:
        return Math.pow(Math.pow(Math.abs(a), this.p) + Math.pow(Math.abs(b), this.p), this.invP);
    }
  }

  // The k nearest training points of (qx, qy), nearest first, and their vote.
  query(qx, qy) {
    const k = this.k;
    // A max-heap of the k best (distance, index) pairs found so far.
    const hd = new Float64Array(k);
    const hi = new Int32Array(k);
    let size = 0;
    const worse = (d1, i1, d2, i2) => d1 > d2 || (d1 === d2 && i1 > i2);
    const push = (d, i) => {
      if (size < k) {
        let c = size++;
        while (c > 0) {
          const parent = (c - 1) >> 1;
          if (!worse(d, i, hd[parent], hi[parent])) break;
          hd[c] = hd[parent];
          hi[c] = hi[parent];
          c = parent;
        }
        hd[c] = d;
        hi[c] = i;
        return;
      }
      if (!worse(hd[0], hi[0], d, i)) return;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= k) break;
        let m = l;
        if (l + 1 < k && worse(hd[l + 1], hi[l + 1], hd[l], hi[l])) m = l + 1;
        if (!worse(hd[m], hi[m], d, i)) break;
        hd[c] = hd[m];
        hi[c] = hi[m];
        c = m;
      }
      hd[c] = d;
      hi[c] = i;
    };
    const { nx, ny, start, order, gx0, gy0, cw, ch } = this;
    const qi = Math.floor((qx - gx0) / cw);
    const qj = Math.floor((qy - gy0) / ch);
    const visit = (ci, cj) => {
      const c = cj * nx + ci;
      for (let s = start[c]; s < start[c + 1]; s++) {
        const i = order[s];
        push(this.distance(qx, qy, i), i);
      }
    };
    // Cell edges are computed in floating point: stop only with a margin to spare.
    const margin = 1e-7 * (cw + ch);
    let r = Math.max(0, -qi, qi - (nx - 1), -qj, qj - (ny - 1));
    for (;; r++) {
      const jLo = Math.max(0, qj - r);
      const jHi = Math.min(ny - 1, qj + r);
      const iLo = Math.max(0, qi - r);
      const iHi = Math.min(nx - 1, qi + r);
      for (let j = jLo; j <= jHi; j++) {
        if (j === qj - r || j === qj + r) {
          for (let i = iLo; i <= iHi; i++) visit(i, j);
        } else {
          if (qi - r >= 0 && qi - r < nx) visit(qi - r, j);
          if (r > 0 && qi + r >= 0 && qi + r < nx) visit(qi + r, j);
        }
      }
      if (qi - r <= 0 && qi + r >= nx - 1 && qj - r <= 0 && qj + r >= ny - 1) break;
      if (size === k) {
        const gap = Math.min(
          qx - (gx0 + (qi - r) * cw),
          gx0 + (qi + r + 1) * cw - qx,
          qy - (gy0 + (qj - r) * ch),
          gy0 + (qj + r + 1) * ch - qy,
        );
        if (gap - margin > hd[0]) break;
      }
    }
    // Nearest first: pop the heap from the back.
    const dist = new Float64Array(k);
    const ind = new Int32Array(k);
    for (let t = k - 1; t >= 0; t--) {
      dist[t] = hd[0];
      ind[t] = hi[0];
      size -= 1;
      const d = hd[size];
      const i = hi[size];
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        let m = l;
        if (l + 1 < size && worse(hd[l + 1], hi[l + 1], hd[l], hi[l])) m = l + 1;
        if (!worse(hd[m], hi[m], d, i)) break;
        hd[c] = hd[m];
        hi[c] = hi[m];
        c = m;
      }
      hd[c] = d;
      hi[c] = i;
    }
    return this.vote(dist, ind);
  }

  vote(dist, ind) {
    const k = dist.length;
    const w = new Float64Array(k);
    const onPoint = this.weights === "distance" && dist[0] === 0;
    for (let t = 0; t < k; t++) {
      if (this.weights !== "distance") w[t] = 1;
      else if (onPoint) w[t] = dist[t] === 0 ? 1 : 0;
      else w[t] = 1 / dist[t];
    }
    const scores = new Float64Array(this.nClasses);
    for (let t = 0; t < k; t++) scores[this.codes[ind[t]]] += w[t];
    let top = -Infinity;
    for (let c = 0; c < scores.length; c++) if (scores[c] > top) top = scores[c];
    let winner = -1;
    let atTop = 0;
    for (let c = 0; c < scores.length; c++) {
      if (top - scores[c] <= 1e-12 * Math.abs(top)) {
        atTop += 1;
        if (winner < 0) winner = c;
      }
    }
    return { dist, ind, weights: w, scores, winner, tied: atTop > 1 };
  }
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
    this.root.knnCanvas = this; // the browser tests compare the preview's search with knn_core

    this.latest = null; // newest decoded meta, waiting to be drawn
    this.lastBytes = null;
    this.model = null; // Neighbours over the points of the preview
    this.modelId = "";
    this.spec = null; // the preview's payload: names, colours, k, where the query is
    this.figureKey = ""; // "layer id|height" of the figure drawn
    this.drawn = false;
    this.bundle = null; // {url, Plotly}: the plotly.js bundle that draws this plot
    this.Plotly = null;
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
      // that is not leaving the plot. A lifted finger leaves too: its preview stays until the
      // committed result replaces it.
      const to = e.relatedTarget;
      if (to && to.classList && to.classList.contains("dragcover")) return;
      if (e.pointerType === "touch" && this.touchCommit) return;
      this.pointer = null;
      this.clearPreview();
    };
    this.onClick = (e) => this.handleClick(e);
    // Touch: a finger on the plot previews (touch-action: none in canvas.css keeps the
    // browser from scrolling instead), dragging moves the preview, lifting commits the spot.
    this.onDown = (e) => {
      if (e.pointerType !== "touch" || !e.isPrimary) return;
      this.touchCommit = null;
      this.handleMove(e);
    };
    this.onUp = (e) => {
      if (e.pointerType !== "touch" || !e.isPrimary) return;
      this.touchCommit = performance.now();
      this.commit(e.clientX, e.clientY);
    };
    // touch-action on the SVG drawing area does not keep Chromium from panning (it cancels
    // the pointer after the first move): a finger that starts on the plot area is the
    // plot's, so its touchstart is cancelled. The page still scrolls from the axes and margins.
    this.onTouchStart = (e) => {
      if (e.cancelable && e.target.closest && e.target.closest(".nsewdrag")) e.preventDefault();
    };
    this.onCancel = (e) => {
      if (e.pointerType !== "touch") return;
      this.pointer = null;
      this.clearPreview();
    };
    this.listeners = {
      pointermove: this.onMove,
      pointerleave: this.onLeave,
      pointerdown: this.onDown,
      pointerup: this.onUp,
      pointercancel: this.onCancel,
      click: this.onClick,
    };
    for (const [name, fn] of Object.entries(this.listeners)) this.gd.addEventListener(name, fn);
    this.gd.addEventListener("touchstart", this.onTouchStart, { passive: false });
    this.width = 0;
    this.resizer = new ResizeObserver(() => {
      const w = this.root.clientWidth;
      if (this.drawn && w && w !== this.width) {
        this.width = w;
        this.Plotly.Plots.resize(this.gd).then(() => this.fit());
      }
    });
    this.resizer.observe(this.root);
  }

  destroy() {
    this.resizer.disconnect();
    for (const [name, fn] of Object.entries(this.listeners)) this.gd.removeEventListener(name, fn);
    this.gd.removeEventListener("touchstart", this.onTouchStart);
    if (this.drawn) this.Plotly.purge(this.gd);
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
    return this.schedule();
  }

  schedule() {
    // Coalesce: while one render runs, only the newest payload is drawn next.
    if (this.drawing) return this.drawing;
    const next = this.latest;
    if (!next) return null;
    this.latest = null;
    // The bundle that drew the plot, while the figure allows it: else one already loaded.
    const urls = next.meta.plotly;
    const bundle = this.bundle && urls.includes(this.bundle.url) ? this.bundle : loadedPlotly(urls);
    if (!bundle) this.showStatus("Loading the plot…");
    this.drawing = Promise.all([bundle || loadPlotly(urls), layerFor(next.meta.layer)])
      .then(([b, layer]) => this.render(next, layer, b))
      .catch((err) => {
        this.lastBytes = null; // drawn by no one: the same payload may be tried again
        this.showStatus(`The plot could not be drawn: ${err && err.message}`);
      })
      .finally(() => {
        this.drawing = null;
        if (this.latest) this.schedule();
      });
    return this.drawing;
  }

  render({ meta, t0 }, layer, bundle) {
    if (this.drawn && bundle !== this.bundle) {
      // The figure needs another bundle than the one that drew it: start again with that one.
      this.Plotly.purge(this.gd);
      this.drawn = false;
    }
    this.bundle = bundle;
    this.Plotly = bundle.Plotly;
    const Plotly = this.Plotly;
    const fig = layer.figure || {};
    const layout = { ...(fig.layout || {}) };
    // meta.height is the most the plot may take; fit() shrinks it to what the width allows.
    this.maxHeight = meta.height;
    layout.height = this.fitted && this.fitted.width === this.root.clientWidth
      ? Math.min(this.fitted.height, meta.height)
      : meta.height;
    layout.autosize = true;
    layout.dragmode = false;
    for (const name of Object.keys(layout)) {
      if (/^[xy]axis\d*$/.test(name)) layout[name] = { ...layout[name], fixedrange: true };
    }
    if (!layout.xaxis) layout.xaxis = { fixedrange: true };
    if (!layout.yaxis) layout.yaxis = { fixedrange: true };
    layout.shapes = meta.shapes || [];
    this.baseShapes = layout.shapes;
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
    // The search index only changes with the points, k, the metric or the weights.
    const spec = layer.preview && { ...layer.preview, query: meta.query };
    if (!spec) {
      this.model = null;
      this.modelId = "";
    } else if (spec.id !== this.modelId) {
      this.model = new Neighbours(spec);
      this.modelId = spec.id;
    }
    this.spec = spec;
    this.hint = meta.hint || "click to place the query here";
    this.verdictText = meta.verdict || "";
    this.showStatus(this.verdictText);
    this.previewOn = false;
    this.label.hidden = true;
    // Everything in the figure but what moves with the query (its layout shapes).
    const key = `${meta.layer}|${meta.height}`;
    let drawn;
    if (this.drawn && key === this.figureKey) {
      // Only the query moved. Plotly.react would recompute and redraw every trace (shape
      // coordinates count as a "calc" change there), and restyling even a legend entry
      // redoes every trace's defaults (~30 ms): relayout redraws the shapes alone (~5 ms).
      drawn = Plotly.relayout(this.gd, { shapes: this.baseShapes });
    } else if (this.drawn) {
      drawn = Plotly.react(this.gd, fig.data || [], layout, config);
    } else {
      drawn = this.firstDraw(fig.data || [], layout, config);
    }
    this.figureKey = key;
    return drawn.then(
      () => this.fit(),
    ).then(
      () => this.afterDraw(t0),
      (err) => this.showStatus(`The plot could not be drawn: ${err && err.message}`),
    );
  }

  // The first figure of a plot is drawn once, at its fitted height (see fit): that height
  // depends on the margins Plotly computes (the legend's among them), known only once drawn,
  // so the axes and the legend are drawn first with every trace "legendonly" (a small part of
  // a full draw), and then the figure at the height they leave. Drawing the figure and then
  // fitting it redrew every trace, decision regions included, a second time. A plot whose
  // axes are not equally scaled keeps its height: it is drawn at once.
  firstDraw(data, layout, config) {
    const Plotly = this.Plotly;
    if (!layout.yaxis || layout.yaxis.scaleanchor !== "x") {
      return Plotly.newPlot(this.gd, data, layout, config);
    }
    const outline = data.map((t) => (t.visible === false ? t : { ...t, visible: "legendonly" }));
    return Plotly.newPlot(this.gd, outline, layout, config).then(() => {
      const height = this.fittedHeight();
      return Plotly.react(this.gd, data, height ? { ...layout, height } : layout, config);
    });
  }

  // With equal axis scales, a plot taller than its width needs only leaves empty bands above
  // and below the axes: its height is the drawing area its width allows plus the margins
  // Plotly computed (legend included), so whatever follows the plot (the verdict line) sits
  // right under it on a phone as on a projector. Null when the axes are not equally scaled.
  fittedHeight() {
    const fl = this.gd._fullLayout;
    const xa = fl && fl.xaxis;
    const ya = fl && fl.yaxis;
    if (!xa || !ya || ya.scaleanchor !== "x" || !this.maxHeight) return null;
    const ratio =
      (Math.abs(ya.range[1] - ya.range[0]) / Math.abs(xa.range[1] - xa.range[0])) *
      (ya.scaleratio || 1);
    const s = fl._size;
    return Math.round(
      Math.max(200, Math.min(this.maxHeight, s.t + s.b + (fl.width - s.l - s.r) * ratio + 1)),
    );
  }

  // Shrink the plot to its fitted height (a figure whose legend grew, a new width).
  fit() {
    const want = this.fittedHeight();
    if (want === null) return null;
    this.fitted = { width: this.root.clientWidth, height: want };
    this.gd.style.minHeight = "";
    if (Math.abs(want - this.gd._fullLayout.height) <= 2) return null;
    return this.Plotly.relayout(this.gd, { height: want });
  }

  afterDraw(t0) {
    this.drawn = true;
    this.width = this.root.clientWidth;
    this.renders += 1;
    this.root.dataset.renders = String(this.renders);
    this.root.dataset.renderMs = (performance.now() - t0).toFixed(1);
    this.root.dataset.renderedAt = performance.now().toFixed(1);
    // The committed result replaces the preview: it is drawn again only once the pointer
    // has moved away from the spot it committed (or the figure changed under a still pointer).
    const here = this.pointer;
    const done = this.committed;
    if (here && !(done && done.clientX === here.clientX && done.clientY === here.clientY)) {
      this.preview(here.clientX, here.clientY, null);
    }
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
    this.touching = e.pointerType === "touch"; // the preview line then says "lift your finger"
    if (!this.drawn) return;
    if (e.target.closest && e.target.closest(".modebar, .legend")) {
      this.pointer = null;
      this.clearPreview();
      return;
    }
    this.pointer = { clientX: e.clientX, clientY: e.clientY };
    const done = this.committed;
    if (done) {
      // The browser repeats a move under a still pointer when the page changes: that is not
      // a reason to draw the preview over the committed result again.
      if (done.clientX === e.clientX && done.clientY === e.clientY) return;
      this.committed = null;
    }
    // While a new figure is being drawn, only remember the pointer: the render redraws the
    // preview at the newest position when it is done.
    if (!this.drawing) this.preview(e.clientX, e.clientY, e.timeStamp);
  }

  handleClick(e) {
    if (e.target.closest && e.target.closest(".modebar, .legend")) return;
    // A lifted finger has already committed its spot; the click that follows is the same tap.
    if (this.touchCommit && performance.now() - this.touchCommit < 800) return;
    // Chromium reports a click in whole pixels and pointer moves in fractions of one: commit
    // the spot the preview was computed for, so the click says exactly what the preview said.
    const at = this.pointer;
    if (at && Math.abs(at.clientX - e.clientX) < 1 && Math.abs(at.clientY - e.clientY) < 1) {
      this.commit(at.clientX, at.clientY);
    } else {
      this.commit(e.clientX, e.clientY);
    }
  }

  commit(clientX, clientY) {
    if (!this.drawn || !this.setTriggerValue) return;
    const p = this.plotXY(clientX, clientY);
    if (!p || !Number.isFinite(p.x) || !Number.isFinite(p.y)) return;
    // A tap can reach us twice (Plotly's synthetic click and the browser's own): send it once.
    const now = performance.now();
    const last = this.lastClick;
    if (last && now - last.t < 400 && last.cx === clientX && last.cy === clientY) return;
    this.lastClick = { t: now, cx: clientX, cy: clientY };
    this.committed = { clientX, clientY };
    this.root.dataset.lastClick = `${p.x},${p.y}`;
    this.root.dataset.clicks = String(Number(this.root.dataset.clicks || 0) + 1);
    this.setTriggerValue("click", { x: p.x, y: p.y });
  }

  // The preview's words: "blue: 2 of 3 votes", "blue: 64% of the weighted vote"; a tie says so.
  verdict(result) {
    const spec = this.spec;
    const name = spec.class_names[result.winner];
    const top = result.scores[result.winner];
    let text;
    if (spec.weights === "distance") {
      let total = 0;
      for (const s of result.scores) total += s;
      text = `${name}: ${Math.round((100 * top) / total)}% of the weighted vote`;
    } else {
      text = `${name}: ${top} of ${result.ind.length} vote${result.ind.length === 1 ? "" : "s"}`;
    }
    return result.tied ? `${text} (a tie, broken by class order)` : text;
  }

  preview(clientX, clientY, eventTime) {
    const model = this.model;
    const p = model ? this.plotXY(clientX, clientY) : null;
    if (!p) return this.clearPreview();
    const t0 = performance.now();
    const result = model.query(p.x, p.y);
    const searchMs = performance.now() - t0;
    const spec = this.spec;
    const code = result.winner;
    const color = spec.class_colors[code % spec.class_colors.length];
    const name = spec.class_names[code % spec.class_names.length];
    const shapes = this.baseShapes.slice();
    let spokes = "";
    const nb = result.ind;
    for (let r = 0; r < nb.length; r++) {
      const nxp = model.xs[nb[r]];
      const nyp = model.ys[nb[r]];
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
    const q = spec.query;
    if (!(q && this.nearQuery(q[0], q[1], p.px, p.py, 2 * STAR_PX))) {
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
    const drawn = this.Plotly.relayout(this.gd, { shapes });
    this.showLabel(name, color, p.px, p.py);
    const hint = this.touching ? this.hint.replace(/^click\b/, "lift your finger") : this.hint;
    this.showStatus(`Preview: ${this.verdict(result)} (${hint})`);
    this.previews += 1;
    const ds = this.root.dataset;
    ds.previews = String(this.previews);
    ds.previewAt = `${p.x},${p.y}`;
    ds.previewNeighbours = Array.from(nb).join(",");
    ds.previewClass = String(code);
    ds.searchMs = searchMs.toFixed(3);
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
    this.Plotly.relayout(this.gd, { shapes: this.baseShapes });
    this.label.hidden = true;
    this.showStatus(this.verdictText);
    this.root.dataset.previewAt = "";
  }
}

// On a touch screen wider than a phone (a tablet) the plot needs the whole width: the sidebar
// is tucked away once when the first plot of the visit is drawn; its » button brings it back.
// A phone is left alone: Streamlit already starts the sidebar collapsed at its "md" width
// (768 px) and below, and the first plot can be drawn after a student has opened it, which
// the tuck would then close under their finger.
const STREAMLIT_MD_PX = 768;
function tuckSidebarOnTouch(tries = 20) {
  if (G.__knnSidebarTucked || !G.matchMedia) return;
  if (!G.matchMedia(`(pointer: coarse) and (min-width: ${STREAMLIT_MD_PX + 1}px)`).matches) return;
  const button = document.querySelector(
    '[data-testid="stSidebarCollapseButton"] button[aria-expanded="true"]',
  );
  if (button) {
    G.__knnSidebarTucked = true;
    button.click();
  } else if (document.querySelector('[data-testid="stExpandSidebarButton"]')) {
    G.__knnSidebarTucked = true; // already tucked (a phone): a student may open it, it stays
  } else if (tries > 0) {
    setTimeout(() => tuckSidebarOnTouch(tries - 1), 100); // the sidebar is not drawn yet
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  tuckSidebarOnTouch();
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
