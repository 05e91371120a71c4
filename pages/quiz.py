"""Quiz: guess the class KNN will predict for a query, then reveal the neighbours and the vote."""

import streamlit as st

from knn_core.geometry import ball_outline
from knn_core.lessons.trace import trace_query
from knn_core.neighbors import TIE_RULE
from knn_ui import cache, figures, params, router, state, style, views
from knn_ui import quiz as qz
from knn_ui.canvas import knn_canvas

router.ensure_routed()  # see knn_ui.router

# 1. Widgets -> state: the Playground's data and model controls, and a question number that
#    is part of the link, so a whole class can open the same question.
session = st.session_state
data = state.data_controls()
view = state.model_controls(data.n)
k, metric, p, weights = view.k, view.metric, view.p, view.weights
presenter = state.presenter_control()
if not presenter:  # on a projector the question, the plot, k and the answer come first
    st.title("Quiz")
    st.markdown(
        "**Learning goal:** work out KNN's answer yourself (find the k nearest points and "
        "count their votes) before the app shows it."
    )
st.sidebar.header("Quiz")
question = int(params.draw(qz.QUESTION, st.sidebar, state.DATA_PAGE))

# 2. knn_core: the data, the model, the question and its answer (cached on scalars).
data_key = data.data_key
X, y, bounds = cache.dataset(*data_key)
model = cache.model(data_key, k, metric, p, weights)
names = style.display_names(model.classes_)
quiz = qz.quiz_question(data_key, k, metric, p, weights, question)
question_key = (data_key, k, metric, p, weights, question)
trace = trace_query(model, quiz.query)
answer = int(trace.winner_code)
choice = qz.picked(session, question_key)
done = qz.revealed(session, question_key)
right, answered = qz.score(session)

# 3. Figure: before the reveal only the points and the query; afterwards the Playground's
#    picture with the neighbours, the metric ball and the decision regions.
if done:
    fig = qz.revealed_figure(
        X,
        model.y_codes_,
        names,
        x_range=bounds[0],
        y_range=bounds[1],
        neighbourhood=figures.Neighbourhood(
            query=quiz.query,
            prediction_code=answer,
            prediction_name=names[answer],
            neighbor_index=trace.kept,
            outline=ball_outline(quiz.query, trace.radius, metric, p=p),
            metric_label=state.METRIC_LABELS[metric],
        ),
        regions=cache.decision_regions(data_key, k, metric, p, weights),
    )
else:
    fig = qz.quiz_figure(X, model.y_codes_, names, quiz.query, x_range=bounds[0], y_range=bounds[1])

# 4. Display.
plot_col, side_col = st.columns([3, 2], gap="medium")
with plot_col:
    # The same plot component as every other page (no zoom toolbar); no preview, which
    # would give the answer away, and a click does nothing the quiz asks for.
    knn_canvas(fig, key="quiz_canvas", height=qz.QUIZ_HEIGHT, click_hint="")
    if done:
        st.caption(
            "The rings mark the k nearest points, the dashed outline reaches the k-th of them, "
            "and the shading shows what KNN predicts everywhere else."
        )
    else:
        st.caption(
            "The white star with the question mark is the query. Nothing else is shown until "
            "you reveal the answer."
        )

with side_col:
    st.header(f"Question {question}")
    if presenter:  # k in large type; after the reveal the prediction box says KNN's answer
        st.metric("k, the neighbours that vote", k)
    qx, qy = quiz.query
    vote = "closer points count more (1/d)" if weights == "distance" else "one vote each"
    st.markdown(
        f"The query ☆ sits at **({qx:.2f}, {qy:.2f})**. With **k = {k}**, "
        f"{state.METRIC_LABELS[metric].split(' (')[0]} distance and {vote}, which class does "
        "KNN predict?"
    )
    if quiz.kind == "boundary":
        st.caption("A tricky one: the spot is near the border between classes.")
    for code, name in enumerate(names):
        st.button(
            qz.class_choice_label(
                code, name, picked=done and choice == code, answer=done and code == answer
            ),
            key=f"quiz_class_{code}",
            on_click=qz.quiz_pick,
            args=(session, question_key, code),
            disabled=done,
            type="primary" if choice == code else "secondary",
            width="stretch",
        )
    reveal_col, next_col = st.columns(2)
    reveal_col.button(
        "Reveal",
        icon=":material/visibility:",
        on_click=qz.quiz_reveal,
        args=(session, question_key, answer),
        disabled=choice is None or done,
        width="stretch",
        help="Pick a class first." if choice is None else None,
    )
    next_col.button(
        "Next question",
        icon=":material/arrow_forward:",
        on_click=params.bump,
        args=(qz.QUESTION,),
        width="stretch",
    )
    if done:
        if choice == answer:
            st.success(
                f"Right: you picked {names[choice]}, and KNN predicts {names[answer]}.",
                icon=":material/check_circle:",
            )
        else:
            st.error(
                f"Not this time: you picked {names[choice]}, KNN predicts {names[answer]}.",
                icon=":material/cancel:",
            )
        views.vote_panel(trace, names, weighted=weights == "distance")
    elif choice is None:
        st.caption("Pick the class you expect, then press Reveal.")
    else:
        st.caption(f"Your answer: {names[choice]}. Press Reveal to check it.")
    score_col, reset_col = st.columns([2, 1], vertical_alignment="bottom")
    score_col.metric("Score this session", f"{right} of {answered}")
    reset_col.button("Reset score", on_click=qz.reset_score, disabled=answered == 0)

if done:
    with st.expander(f"The {k} nearest points"):
        views.neighbour_table(trace, X, names)

st.markdown(
    "**How to work it out.** Imagine a circle growing from the star until it holds k points "
    "(with Manhattan distance a diamond, with Chebyshev a square). Count the classes inside: "
    "the class with the most votes wins. With *closer points count more*, a near point "
    "outweighs a far one. " + TIE_RULE
)
