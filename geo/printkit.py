"""A CJK font for printed sheets (PDF route sheets, inspection checklists).

ReportLab's built-in fonts have no Chinese glyphs; a TrueType collection
with them is looked up on the system (Debian's ``fonts-wqy-zenhei``,
installed by ``scripts/install-system-deps.sh``) and registered once.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Final

from .errors import GridWatchError

__all__ = ["cjk_font_path", "register_reportlab_font"]

#: Environment variable naming a CJK TTF/TTC file to use instead.
FONT_ENV: Final = "GRIDWATCH_CJK_FONT"

#: Where the usual Debian/Ubuntu, Fedora and macOS packages put a CJK font.
_CANDIDATES: Final = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
)

#: Name the font is registered under in ReportLab.
FONT_NAME: Final = "GridWatchCJK"


def cjk_font_path() -> Path:
    """Path of a TrueType font with Chinese glyphs.

    ``$GRIDWATCH_CJK_FONT`` wins when set; otherwise the first installed of
    a few well-known system fonts (WenQuanYi Zen Hei first).

    Returns
    -------
    Path
        An existing ``.ttf`` or ``.ttc`` file.

    Raises
    ------
    GridWatchError
        No such font is installed.
    """
    override = os.environ.get(FONT_ENV)
    if override:
        path = Path(override)
        if path.is_file():
            return path
        msg = f"The font named by ${FONT_ENV} ({override}) does not exist."
        raise GridWatchError(msg, f"Point ${FONT_ENV} at a .ttf/.ttc file with Chinese glyphs, or unset it.")
    for candidate in _CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    msg = "No font with Chinese glyphs is installed, so the PDF cannot be printed in Chinese."
    raise GridWatchError(
        msg,
        "Install one with `sudo apt-get install fonts-wqy-zenhei` (or run scripts/install-system-deps.sh), "
        f"or set ${FONT_ENV} to a .ttf/.ttc file.",
    )


@cache
def register_reportlab_font() -> str:
    """Register the CJK font with ReportLab (once per process).

    Returns
    -------
    str
        The font name to pass to ``canvas.setFont`` or a paragraph style.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = cjk_font_path()
    kwargs = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), **kwargs))
    return FONT_NAME
