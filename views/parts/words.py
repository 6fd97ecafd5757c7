"""Loader and pipeline messages in the app's words.

geo/ writes its messages for the command line, so hints name its options
(``--id-field``, ``--crs gcj02``) and commands (``python -m geo validate``).
In the app the same message must point at a widget, not at a flag:
:func:`app_words` replaces each option by the label of the widget that sets
it (“编号列”), in the user's language. :func:`views.parts.guard.show_error` and the
upload tab pass every message through it.
"""

from __future__ import annotations

import re
from typing import Final

from geo.i18n import t

__all__ = ["FLAG_LABELS", "app_words"]

#: Command-line words in loader messages -> key of the widget label that does the same here.
FLAG_LABELS: Final[dict[str, str]] = {
    "--merge-duplicates": "app.up_merge",
    "--sliver-tolerance": "app.up_sliver",
    "--link-distance": "app.up_link",
    "--id-from-row": "app.up_id_from_row",
    "--type-field": "app.up_type_field",
    "--id-field": "app.up_id_field",
    "--x-field": "app.up_x_field",
    "--y-field": "app.up_y_field",
    "--swap-xy": "app.up_swap_xy",
    "--incidents": "app.upload_kind",
    "--buildings": "app.upload_kind",
    "--streets": "app.upload_kind",
    "--replace": "app.up_replace",
    "--grids": "app.upload_kind",
    "--layer": "app.up_layer",
    "--field": "app.up_fields",
    "--store": "app.store_word",
    "--type": "app.upload_type",
    "--crs": "app.up_crs",
    "--map": "app.up_value_maps",
    # the rain tab's flood response
    "--incident": "rain.flood_pick",
    "--radius": "rain.radius",
    "--at": "app.w_at",
}
#: An option, and the placeholder of its value when one follows (``--id-field COLUMN``):
#: the widget label stands for both.
_FLAG_RE: Final = re.compile(r"(?<![\w-])(" + "|".join(re.escape(f) for f in FLAG_LABELS)
                             + r")(?![\w-])(?: [A-Z][A-Z_]*(?:=[A-Z_]+)?(?![\w:]))?")
_COMMAND_RE: Final = re.compile(r"'?python -m geo (validate|import)\b[^'.;]*'?")


def app_words(text: str, lang: str) -> str:
    """A message in the app's words: command-line options become the labels of the widgets that set them.

    Parameters
    ----------
    text
        A message or hint (already in ``lang``).
    lang
        Language of the labels.

    Returns
    -------
    str

    Examples
    --------
    >>> app_words("Name the coordinate columns with --x-field and --y-field.", "en")
    'Name the coordinate columns with “X (longitude) column” and “Y (latitude) column”.'
    """
    def label(m: re.Match[str]) -> str:
        return t("app.up_quote", lang, label=t(FLAG_LABELS[m.group(1)], lang))

    def command(m: re.Match[str]) -> str:
        key = "app.upload_check" if m.group(1) == "validate" else "app.upload_go"
        return t("app.up_quote", lang, label=t(key, lang))

    return _FLAG_RE.sub(label, _COMMAND_RE.sub(command, text))
