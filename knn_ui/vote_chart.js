// Browser half of knn_ui.vote_chart.vote_chart (a st.components.v2 component).
//
// Draws the vote as plain DOM: a title line, then one row per class (name, a bar whose width
// is value / largest value, the value, and "winner" in words on the winner's row). Everything
// shown comes from Python (vote_chart_data); this only lays it out. The nodes are made once per
// mounted element and updated in place on every rerun. Text is set with textContent, never
// parsed as markup: class names come from users' files.

const INSTANCES = new WeakMap(); // parentElement -> Chart

function el(tag, className, parent) {
  const node = document.createElement(tag);
  node.className = className;
  if (parent) parent.appendChild(node);
  return node;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

class Chart {
  constructor(parent) {
    this.root = el("div", "knn-vote", parent);
    // One accessible image: its name reads the whole vote; the rows are its visual form.
    this.root.setAttribute("role", "img");
    // One grid for everything, so the axis word sits over the value column.
    this.grid = el("div", "knn-vote-rows", this.root);
    this.title = el("span", "knn-vote-title", this.grid);
    this.axis = el("span", "knn-vote-axis", this.grid);
    this.rows = [];
    this.renders = 0;
  }

  row(i) {
    while (this.rows.length <= i) {
      const row = el("div", "knn-vote-row", this.grid);
      const name = el("span", "knn-vote-name", row);
      const track = el("span", "knn-vote-track", row);
      const bar = el("span", "knn-vote-bar", track);
      const value = el("span", "knn-vote-value", row);
      const flag = el("span", "knn-vote-flag", row);
      this.rows.push({ row, name, bar, value, flag });
    }
    return this.rows[i];
  }

  draw(data) {
    const rows = data.rows || [];
    setText(this.title, String(data.title ?? ""));
    setText(this.axis, String(data.axis ?? ""));
    const description = String(data.description ?? "");
    if (this.root.getAttribute("aria-label") !== description) {
      this.root.setAttribute("aria-label", description);
    }
    let top = 0;
    for (const r of rows) top = Math.max(top, Number(r.value) || 0);
    rows.forEach((r, i) => {
      const { row, name, bar, value, flag } = this.row(i);
      const text = String(r.name ?? "");
      setText(name, text);
      if (name.title !== text) name.title = text;
      const share = top > 0 ? Math.max(0, Number(r.value) || 0) / top : 0;
      bar.style.width = `${(share * 100).toFixed(3)}%`;
      bar.style.backgroundColor = String(r.color ?? "");
      setText(value, String(r.label ?? ""));
      const winner = Boolean(r.winner);
      row.classList.toggle("is-winner", winner);
      setText(flag, winner ? "winner" : "");
      row.dataset.value = String(r.value);
    });
    while (this.rows.length > rows.length) this.rows.pop().row.remove();
    this.renders += 1;
    this.root.dataset.renders = String(this.renders);
  }

  destroy() {
    this.root.remove();
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let chart = INSTANCES.get(parentElement);
  if (!chart) {
    chart = new Chart(parentElement);
    INSTANCES.set(parentElement, chart);
  }
  chart.calls = (chart.calls || 0) + 1;
  const call = chart.calls;
  if (data) chart.draw(data);
  // Only the newest call's cleanup (run on unmount) removes the chart.
  return () => {
    if (INSTANCES.get(parentElement) === chart && chart.calls === call) {
      chart.destroy();
      INSTANCES.delete(parentElement);
    }
  };
}
