"""Image capture for tele-expertise: cameras, imports and the image pipeline (headless).

Everything here runs without a display: the window's capture panel and the ``case import``
command use the same functions. OpenCV is imported through :mod:`capture.cv` so that the
environment it reads at import time is set first.
"""
