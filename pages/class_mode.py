"""Class mode: a live lesson where every student predicts and the teacher sees the whole class."""

import streamlit as st

from knn_ui import class_mode, router
from knn_ui.class_store import normalise_code

router.ensure_routed()  # see knn_ui.router

# 1. The link says who is here: a teacher (room + key), a student (room + token) or a visitor.
room = normalise_code(st.query_params.get("room", ""))
teacher_key = st.query_params.get("teacher", "")
student_token = st.query_params.get("me", "")

# 2. The database (SQLite by default, PostgreSQL when a database URL is set).
store = class_mode.open_store()

# 3. The right screen; every action is checked again by the store.
if store is None:
    st.stop()
if room and teacher_key:
    class_mode.teacher_page(store, room, teacher_key)
elif room and student_token:
    class_mode.student_page(store, room, student_token)
else:
    class_mode.landing(store, room)
