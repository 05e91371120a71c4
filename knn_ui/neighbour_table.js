// Browser half of knn_ui.neighbour_table.neighbour_table (a st.components.v2 component).
//
// Draws the k nearest neighbours as a plain <table> inside a scroll box. Everything shown
// comes from Python (neighbour_table_data): raw values plus, per column, how many decimals
// toFixed shows (Python's format_cell is the same formatting). The nodes are made once per
// mounted element and updated in place on every rerun; rows are added or removed only when
// the count changes. Text is set with textContent, never parsed as markup: class names come
// from users' files.

const INSTANCES = new WeakMap(); // parentElement -> Table

function el(tag, className, parent) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (parent) parent.appendChild(node);
  return node;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function setAttr(node, name, value) {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

// One cell's text: numbers with a fixed count of decimals (never "-0.00"), the rest as is.
function show(value, column) {
  if (value === null || value === undefined) return "";
  if (typeof value !== "number" || column.decimals === null || column.decimals === undefined) {
    return String(value);
  }
  const text = value.toFixed(column.decimals);
  return /^-[0.]+$/.test(text) ? text.slice(1) : text;
}

class Table {
  constructor(parent) {
    this.root = el("div", "knn-nt", parent);
    this.root.setAttribute("role", "region");
    this.root.tabIndex = 0; // a scroll box must be reachable by keyboard
    this.table = el("table", "knn-nt-table", this.root);
    this.caption = el("caption", "knn-nt-caption", this.table);
    this.head = el("tr", "", el("thead", "", this.table));
    this.body = el("tbody", "", this.table);
    this.columns = []; // the column descriptors the header and every row are built for
    this.signature = "";
    this.rows = []; // [{ tr, cells: [td, ...] }]
    this.renders = 0;
  }

  setColumns(columns) {
    const signature = JSON.stringify(columns);
    if (signature === this.signature) return;
    this.signature = signature;
    this.columns = columns;
    this.head.replaceChildren();
    for (const column of columns) {
      const th = el("th", `knn-nt-${column.kind}`, this.head);
      th.scope = "col";
      th.textContent = String(column.label ?? column.name ?? "");
      if (column.title) {
        // A symbol for a header ("#") gets its words as tooltip and accessible name.
        th.title = String(column.title);
        th.setAttribute("aria-label", String(column.title));
      }
    }
    // Another set of columns (the weight column came or went): rows are rebuilt.
    for (const row of this.rows) row.tr.remove();
    this.rows = [];
  }

  row(i) {
    while (this.rows.length <= i) {
      const tr = el("tr", "", this.body);
      const cells = this.columns.map((column) => el("td", `knn-nt-${column.kind}`, tr));
      this.rows.push({ tr, cells });
    }
    return this.rows[i];
  }

  draw(data) {
    const columns = Array.isArray(data.columns) ? data.columns : [];
    const rows = Array.isArray(data.rows) ? data.rows : [];
    this.setColumns(columns);
    setText(this.caption, String(data.caption ?? ""));
    setAttr(this.root, "aria-label", String(data.label ?? data.caption ?? ""));
    rows.forEach((values, i) => {
      const { cells } = this.row(i);
      columns.forEach((column, j) => setText(cells[j], show(values[j], column)));
    });
    while (this.rows.length > rows.length) this.rows.pop().tr.remove();
    this.renders += 1;
    this.root.dataset.renders = String(this.renders);
  }

  destroy() {
    this.root.remove();
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let table = INSTANCES.get(parentElement);
  if (!table) {
    table = new Table(parentElement);
    INSTANCES.set(parentElement, table);
  }
  table.calls = (table.calls || 0) + 1;
  const call = table.calls;
  if (data) table.draw(data);
  // Only the newest call's cleanup (run on unmount) removes the table.
  return () => {
    if (INSTANCES.get(parentElement) === table && table.calls === call) {
      table.destroy();
      INSTANCES.delete(parentElement);
    }
  };
}
