"""The walkthroughs (`keras-classics explain NAME`): one module per example, `<name>.py`, whose
`explain(config, context)` yields `explaining.Section`s: the seed's data encodings, shapes and
model summaries, step by step, on real data when it is here and on the synthetic twin otherwise.

They live apart from the examples so that each example module reads as the classic itself.
Code shared by the walkthroughs of one family sits in a module named after the family, with a
leading underscore (`_imdb.py`).
"""
