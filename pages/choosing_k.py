"""Choosing k: train and test accuracy against k, decision regions from jagged to smooth."""

import streamlit as st

from knn_core.neighbors import TIE_RULE
from knn_ui import choosing_k, router, state, style, views

router.ensure_routed()  # see knn_ui.router

st.title("Choosing k")
st.markdown(
    "**Learning goal:** see that the k that fits the training data best (k = 1) is not the k "
    "that predicts new points best, and choose k on data the model has not seen."
)

# 1. Widgets -> one state object (from the table, kept in the URL).
params = choosing_k.controls()
split_key = choosing_k.split_key(params)

# 2. knn_core computes everything (cached on scalars).
X_train, X_test, y_train, y_test, bounds = choosing_k.split(*split_key)
k = choosing_k.k_control(len(X_train))
sel = choosing_k.selection(*split_key)
ks, maps, classes, train_codes = choosing_k.regions(*split_key)
names = style.display_names(classes)
chosen = sel.chosen_k
chosen_acc = float(sel.test_accuracy[chosen - 1])
your_acc = float(sel.test_accuracy[k - 1])
by_cv = sel.best_cv_k is not None

# 3 + 4. Figures and display.
st.markdown(
    f"The {params.n} points are split at random: **{sel.n_train} training points** "
    f"vote, and **{sel.n_test} test points** are hidden from the model and only used to check "
    "its answers."
)
chart_col, text_col = st.columns([2, 1], gap="medium")
with chart_col:
    st.plotly_chart(
        choosing_k.accuracy_figure(sel, k),
        config={"displayModeBar": False},
        key="ck_curve",
        theme=None,
    )
with text_col:
    m1, m2 = st.columns(2)
    m1.metric(
        "Chosen k",
        chosen,
        help=(
            f"The k with the best {choosing_k.N_FOLDS}-fold cross-validated accuracy on the "
            "training part (the smallest such k on a tie): the test points played no part."
            if by_cv
            else "The k with the best test accuracy: too few training points to "
            "cross-validate, so this estimate is optimistic."
        ),
    )
    m2.metric(
        "Its test accuracy",
        f"{chosen_acc:.0%}",
        help="How often the chosen k is right on the test points, which it never saw: the "
        "estimate of its accuracy on new data.",
    )
    m3, m4 = st.columns(2)
    m3.metric("Your k", k)
    m4.metric(
        "Its test accuracy",
        f"{your_acc:.0%}",
        delta=f"{100 * (your_acc - chosen_acc):+.0f} points" if your_acc != chosen_acc else None,
    )
    overfit = (
        f"**Too small: overfitting.** With k = 1 every training point is its own nearest "
        f"neighbour, so the model scores {sel.train_accuracy[0]:.0%} on the data it has seen. "
        f"It has memorised the noise too; on the test points it scores {sel.test_accuracy[0]:.0%}."
    )
    if sel.best_k == 1:
        overfit += (
            " Here k = 1 happens to do best on the test points as well: with little noise, "
            "memorising costs nothing. Raise the noise and watch the gap open."
        )
    st.markdown(overfit)
    st.markdown(
        "**Too large: underfitting.** A large k averages over points far away and blurs the "
        "border between the classes; at k = n every query gets the overall majority."
    )
    if by_cv:
        honest = (
            f"**Honest choice.** k is chosen by cross-validation on the training part alone "
            f"(green dotted line): **k = {chosen}**. The test points are used once, at the "
            f"end, to estimate how often it is right on new data: **{chosen_acc:.0%}**."
        )
        if sel.best_k != chosen:
            best_acc = float(sel.test_accuracy[sel.best_k - 1])
            honest += (
                f" Picking the k with the best test score (k = {sel.best_k}, {best_acc:.0%}) "
                "would tune the model on the test points, and that score would flatter it."
            )
    else:
        honest = (
            "**Honest choice.** There are too few training points to cross-validate, so k "
            "is the best on the test points, and its test accuracy flatters it."
        )
    st.markdown(honest)

st.header(f"Which classes get mistaken for which (your k = {k})")
views.confusion_view(
    choosing_k.confusion(*split_key, k),
    names,
    points=f"the {sel.n_test} test points",
    key="ck_confusion",
)

st.header("From jagged to smooth")
st.markdown(
    "The same training points, the regions each k predicts. k = 1 draws an island around "
    "every stray point; larger k smooths the border, and too large a k smooths away real "
    "detail."
)
for col, k_map, regions in zip(st.columns(len(ks)), ks, maps, strict=True):
    title = f"k = {k_map}: test {sel.test_accuracy[k_map - 1]:.0%}"
    col.plotly_chart(
        choosing_k.region_figure(
            X_train,
            train_codes,
            names,
            regions,
            title=title,
            x_range=bounds[0],
            y_range=bounds[1],
        ),
        config={"displayModeBar": False},
        key=f"ck_regions_{k_map}",
        theme=None,
    )

st.header("Why an odd k?")
tie_col, tie_text = st.columns([3, 2], gap="medium")
top = min(choosing_k.TIE_K_MAX, len(sel.k))
with tie_col:
    st.plotly_chart(
        choosing_k.tie_figure(sel.k[:top], sel.tie_rate[:top], n_test=sel.n_test),
        config={"displayModeBar": False},
        key="ck_ties",
        theme=None,
    )
with tie_text:
    if len(classes) == 2:
        st.markdown(
            "With **two classes**, an odd number of voters can never split evenly, so an odd "
            "k never ties: at every odd k (blue) the bar is zero. An even k can tie; the "
            f"orange bars show how often it did among the {sel.n_test} test points. A tie is "
            f"broken by a fixed rule, not by the data. {TIE_RULE}"
        )
    else:
        st.markdown(
            f"With **{len(classes)} classes**, even an odd k can tie (say 2 + 2 + 1 with k = 5)"
            + (", as some blue bars show" if sel.ties_at_odd_k else "")
            + ". An odd k only guarantees no ties with two classes."
        )

state.share_link()
