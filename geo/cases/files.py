"""Attachments of case steps (photos of a fix, a PDF notice): checked, cleaned and stored once each.

The store's plain table ``case_files`` keeps one row per distinct content:

=========== ==============================================================
file_hash   sha256 of the stored bytes (hex): what a history entry names
name        the file name as given (directory dropped, control characters out)
mime        ``image/jpeg``, ``image/png`` or ``application/pdf``
size        bytes stored
width       pixels (images; None for a PDF)
height      pixels (images; None for a PDF)
data        the bytes
added_at    when it was first stored (ISO 8601, +08:00)
added_by    who stored it first
=========== ==============================================================

Images (JPEG, PNG, WebP, GIF's first frame, BMP, TIFF) are decoded with
Pillow, refused above a pixel count (against decompression bombs), turned
upright by their EXIF orientation, scaled to at most
:data:`MAX_SIDE` pixels on the longest side and encoded again (JPEG at
quality 85, PNG when they have transparency) from the pixels alone: no
EXIF (GPS position, camera), no text chunk, no ICC profile or comment is
kept, so nothing active or private travels on. A PDF is kept as it is and
only ever offered as a download. Anything else is refused, naming the
kinds accepted.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Final

import pandas as pd

from .. import settings
from ..errors import InputFileError, UnknownIdError
from ..storage import Store, Transaction, now_text

__all__ = [
    "ACCEPTED",
    "FILES",
    "FILE_COLUMNS",
    "MAX_FILES",
    "MAX_PIXELS",
    "MAX_SIDE",
    "Prepared",
    "StoredFile",
    "file_names",
    "prepare",
    "read_file",
    "store_files",
]

#: The plain table of attachments.
FILES: Final = "case_files"
#: Its columns, in order.
FILE_COLUMNS: Final = ("file_hash", "name", "mime", "size", "width", "height", "data", "added_at", "added_by")
#: The kinds of file accepted, as users read them.
ACCEPTED: Final = "JPEG, PNG, WebP, GIF, BMP, TIFF, PDF"
#: Attachments of one step.
MAX_FILES: Final = 9
#: Pixels of an image before it is decoded (a 200-megapixel photo is far beyond any phone).
MAX_PIXELS: Final = 100_000_000
#: Longest side of a stored image, in pixels.
MAX_SIDE: Final = 2560
#: JPEG quality of a stored photo.
JPEG_QUALITY: Final = 85
_IMAGE_FORMATS: Final = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
_NAME_CHARS: Final = 120


@dataclass(frozen=True)
class Prepared:
    """A file as it will be stored: its cleaned bytes and what they are."""

    name: str
    mime: str
    data: bytes
    width: int | None = None
    height: int | None = None

    @property
    def file_hash(self) -> str:
        """sha256 of the bytes, hex."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class StoredFile:
    """One stored attachment, as :func:`read_file` gives it back.

    Attributes
    ----------
    name, mime, data, size, width, height, added_at, added_by
        The columns of ``case_files`` (width and height None for a PDF).
    """

    name: str
    mime: str
    data: bytes
    size: int
    width: int | None
    height: int | None
    added_at: str
    added_by: str

    @property
    def inline(self) -> bool:
        """Whether a page may show it (images only; a PDF is only ever downloaded)."""
        return self.mime in ("image/jpeg", "image/png")


def _clean_name(name: str, fallback: str) -> str:
    base = PureWindowsPath(PurePosixPath(str(name or "")).name).name
    base = re.sub(r"[\x00-\x1f\x7f<>:\"/\\|?*]+", "_", base).strip(" .")
    return (base or fallback)[-_NAME_CHARS:]


def _with_suffix(name: str, suffix: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}{suffix}"


def prepare(name: str, data: bytes) -> Prepared:
    """Check one file and make the bytes that will be stored.

    Parameters
    ----------
    name
        The file's name as given (only its last part is kept).
    data
        Its content.

    Returns
    -------
    Prepared
        An image encoded again without metadata, or a PDF as it is.

    Raises
    ------
    InputFileError
        Too large (``GRIDWATCH_MAX_ATTACHMENT_MB``), empty, of a kind not
        accepted, or an image that cannot be decoded (truncated, damaged, too
        many pixels).
    """
    shown = _clean_name(name, "file")
    limit_mb = settings.current().max_attachment_mb
    if len(data) > limit_mb * 1024 * 1024:
        raise InputFileError.of("files.too_big", name=shown, mb=f"{len(data) / 1024 / 1024:.1f}", limit=limit_mb)
    if not data:
        raise InputFileError.of("files.empty", name=shown)
    if data.startswith(b"%PDF-"):
        return Prepared(_with_suffix(shown, ".pdf"), "application/pdf", bytes(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Pillow's notes on damaged TIFF tags: the pixels decide
        return _image(shown, bytes(data))


def _image(name: str, data: bytes) -> Prepared:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS is checked below
            im = Image.open(io.BytesIO(data), formats=_IMAGE_FORMATS)
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        if isinstance(exc, UnidentifiedImageError):
            raise InputFileError.of("files.kind", name=name, accepted=ACCEPTED) from exc
        raise InputFileError.of("files.pixels", name=name, limit=f"{MAX_PIXELS:,}") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise InputFileError.of("files.broken", name=name, why=str(exc)[:200]) from exc
    with im:
        width, height = im.size
        if width * height > MAX_PIXELS or width <= 0 or height <= 0:
            raise InputFileError.of("files.pixels", name=name, limit=f"{MAX_PIXELS:,}")
        try:
            im.seek(0)  # an animation: its first frame
            im.load()
            upright = ImageOps.exif_transpose(im) or im
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise InputFileError.of("files.broken", name=name, why=str(exc)[:200]) from exc
        alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
        try:
            pixels = upright.convert("RGBA" if alpha else "RGB")
            pixels.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())  # the pixels only: no info, EXIF, ICC
            out = io.BytesIO()
            clean.save(out, format="PNG" if alpha else "JPEG", optimize=True,
                       **({} if alpha else {"quality": JPEG_QUALITY}))
        except (OSError, ValueError) as exc:  # a pixel format Pillow cannot convert
            raise InputFileError.of("files.broken", name=name, why=str(exc)[:200]) from exc
    if alpha:
        return Prepared(_with_suffix(name, ".png"), "image/png", out.getvalue(), *clean.size)
    return Prepared(_with_suffix(name, ".jpg"), "image/jpeg", out.getvalue(), *clean.size)


def store_files(tx: Transaction, photos: Sequence[tuple[str, bytes]]) -> list[str]:
    """Check, clean and store the attachments of one step, each content once.

    Parameters
    ----------
    tx
        The step's transaction (the files are kept only if it commits).
    photos
        ``(name, content)`` of each file, in order.

    Returns
    -------
    list of str
        The content hash of each file, in the order given (a file given
        twice, or already stored by an earlier step, is stored once).

    Raises
    ------
    InputFileError
        More than :data:`MAX_FILES` files, or one that :func:`prepare` refuses.
    """
    if len(photos) > MAX_FILES:
        raise InputFileError.of("files.too_many", count=len(photos), limit=MAX_FILES)
    prepared = [prepare(name, data) for name, data in photos]
    hashes = [p.file_hash for p in prepared]
    if not hashes:
        return []
    stored = tx.read_table(FILES, where={"file_hash": hashes})
    have = set(stored["file_hash"].astype(str)) if "file_hash" in stored.columns else set()
    new: dict[str, Prepared] = {}
    for p, h in zip(prepared, hashes, strict=True):
        if h not in have:
            new.setdefault(h, p)
    if new:
        at = now_text()
        rows = pd.DataFrame({
            "file_hash": list(new),
            "name": [p.name for p in new.values()],
            "mime": [p.mime for p in new.values()],
            "size": pd.Series([len(p.data) for p in new.values()], dtype="int64"),
            "width": pd.Series([p.width for p in new.values()], dtype="Int64"),
            "height": pd.Series([p.height for p in new.values()], dtype="Int64"),
            "data": pd.Series([p.data for p in new.values()], dtype=object),
            "added_at": at,
            "added_by": tx.by,
        }, columns=list(FILE_COLUMNS))
        tx.append_table(FILES, rows)
    return hashes


def _int_or_none(value: object) -> int | None:
    try:
        return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def read_file(store: Store | Transaction, file_hash: str) -> StoredFile:
    """The stored attachment of content hash ``file_hash``.

    Raises
    ------
    UnknownIdError
        No attachment has that hash.
    """
    rows = store.read_table(FILES, where={"file_hash": [str(file_hash)]})
    if rows.empty or "data" not in rows.columns:
        raise UnknownIdError.of("files.unknown", file_hash=str(file_hash)[:16])
    row = rows.iloc[0]
    data = row["data"]
    return StoredFile(
        name=str(row.get("name") or file_hash), mime=str(row.get("mime") or "application/octet-stream"),
        data=bytes(data) if data is not None else b"", size=int(_int_or_none(row.get("size")) or 0),
        width=_int_or_none(row.get("width")), height=_int_or_none(row.get("height")),
        added_at=str(row.get("added_at") or ""), added_by=str(row.get("added_by") or ""))


def file_names(store: Store | Transaction, hashes: Sequence[str]) -> dict[str, str]:
    """Content hash -> the attachment's name, for the hashes stored (the data is read too: keep lists short)."""
    wanted = [h for h in dict.fromkeys(str(h) for h in hashes) if h]
    if not wanted:
        return {}
    rows = store.read_table(FILES, where={"file_hash": wanted})
    if rows.empty or "file_hash" not in rows.columns:
        return {}
    return {str(h): str(n) for h, n in zip(rows["file_hash"], rows.get("name", rows["file_hash"]), strict=True)}
