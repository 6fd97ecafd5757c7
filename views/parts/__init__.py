"""What the views share (no view lives here): the error widget, the upload worker, the app's words, the overview.

- :mod:`views.parts.guard`: :func:`~views.parts.guard.show_error`, the one
  widget every :class:`~geo.errors.GridWatchError` is shown through, and
  :func:`~views.parts.guard.guarded` around each view.
- :mod:`views.parts.worker`: upload jobs in a separate, bounded process.
- :mod:`views.parts.words`: loader messages in the app's words.
- :mod:`views.parts.overview`: the overview table and chart of the map tab.
"""

from __future__ import annotations

from .guard import guarded, new_reference, show_error, show_fault
from .words import app_words

__all__ = ["app_words", "guarded", "new_reference", "show_error", "show_fault"]
