"""Code shared by a family of examples (the IMDB classifiers, the seq2seq translators, the bAbI
readers, the vision networks, the CIFAR-10 networks): one home per family, so that no example
imports another. What a reader came to learn stays in the example's own module; what sits here
is the plumbing around it.
"""
