// Browser half of knn_ui.views.prediction_box (a st.components.v2 component).
//
// Shows the prediction like a metric card: a small label, the predicted class in large
// type, a caption, and a note when the vote tied. Everything comes from Python; the class name
// comes from a user's file, so every text is set with textContent and never parsed as markup
// (no Markdown, HTML, LaTeX or links can come out of a label). The nodes are made once per
// mounted element and updated in place on reruns.

const INSTANCES = new WeakMap(); // parentElement -> Box

function el(tag, className, parent) {
  const node = document.createElement(tag);
  node.className = className;
  parent.appendChild(node);
  return node;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

class Box {
  constructor(parent) {
    this.root = el("div", "knn-pred", parent);
    this.label = el("div", "knn-pred-label", this.root);
    // role="status": a screen reader announces a new prediction without moving focus.
    this.value = el("div", "knn-pred-value", this.root);
    this.value.setAttribute("role", "status");
    this.caption = el("div", "knn-pred-caption", this.root);
    this.tie = el("div", "knn-pred-tie", this.root);
    this.renders = 0;
  }

  draw(data) {
    setText(this.label, String(data.label ?? ""));
    const value = String(data.value ?? "");
    setText(this.value, value);
    if (this.value.title !== value) this.value.title = value;
    setText(this.caption, String(data.caption ?? ""));
    const tie = String(data.tie ?? "");
    setText(this.tie, tie);
    this.tie.hidden = tie === "";
    this.renders += 1;
    this.root.dataset.renders = String(this.renders);
  }

  destroy() {
    this.root.remove();
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let box = INSTANCES.get(parentElement);
  if (!box) {
    box = new Box(parentElement);
    INSTANCES.set(parentElement, box);
  }
  box.calls = (box.calls || 0) + 1;
  const call = box.calls;
  if (data) box.draw(data);
  return () => {
    if (INSTANCES.get(parentElement) === box && box.calls === call) {
      box.destroy();
      INSTANCES.delete(parentElement);
    }
  };
}
