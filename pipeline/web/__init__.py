"""The review desk: a small server-rendered web application over the exception queue (``adv web``).

Imported only by ``adv web`` and the tests, so the command line does not pay for FastAPI and matplotlib.
"""
