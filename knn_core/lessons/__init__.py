"""Lesson support: what the teaching pages show around the engine, one module per lesson.

The engine (neighbour search, votes, models, surfaces, data sets, files) lives in ``knn_core``
itself; the modules here only arrange its numbers for a lesson (a query's trace, the stages of
Step by step, the curves of Choosing k, the tutorials' API and experiment, the quiz, distances
and scaling, regression, a summary of a student's file). Nothing here counts a vote or searches
neighbours on its own, with one exception made for a lesson: ``searching_fast`` walks the
engine's own KD-tree step by step to show how the search saves work, and its tests check that
it ends with the engine's neighbours, in the engine's order.
"""
