"""Building blocks of the sample generator (``samples/generate.py``).

Independent of ``parsers/`` and ``pipeline/`` on purpose: the samples are a check of them, so
they are written with pydifact and python-stdnum only.
"""
