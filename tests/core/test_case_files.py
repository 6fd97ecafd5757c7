"""Attachments (geo.cases.files): images cleaned of metadata and active content, kinds refused, each content stored once."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image, PngImagePlugin

from geo.cases import files
from geo.errors import InputFileError, UnknownIdError
from geo.store import open_store


def _jpeg_with_gps(size: tuple[int, int] = (64, 48), orientation: int | None = None) -> bytes:
    im = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (30.0, 31.0, 12.5), 3: "E", 4: (114.0, 21.0, 40.0)}
    exif[0x8825] = gps  # GPSInfo
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    im.save(out, format="JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return out.getvalue()


def _png_with_text(mode: str = "RGBA") -> bytes:
    im = Image.new(mode, (40, 30), (0, 0, 255, 128) if mode == "RGBA" else (0, 0, 255))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    im.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


class TestPrepare:
    def test_jpeg_loses_exif_gps(self) -> None:
        raw = _jpeg_with_gps()
        assert b"PhoneMaker" in raw and b"secret comment" in raw
        p = files.prepare("IMG_0001.JPG", raw)
        assert p.mime == "image/jpeg" and p.name == "IMG_0001.jpg" and (p.width, p.height) == (64, 48)
        assert b"PhoneMaker" not in p.data and b"secret comment" not in p.data and b"Exif" not in p.data
        with Image.open(io.BytesIO(p.data)) as im:
            assert not im.getexif() and "exif" not in im.info

    def test_exif_orientation_applied(self) -> None:
        p = files.prepare("side.jpg", _jpeg_with_gps((64, 48), orientation=6))  # rotated 90°: upright is 48 x 64
        assert (p.width, p.height) == (48, 64)

    def test_png_text_chunk_dropped_and_transparency_kept(self) -> None:
        raw = _png_with_text()
        assert b"<script>" in raw
        p = files.prepare("a.png", raw)
        assert p.mime == "image/png" and b"<script>" not in p.data and b"tEXt" not in p.data
        with Image.open(io.BytesIO(p.data)) as im:
            assert im.mode == "RGBA" and not im.text  # type: ignore[attr-defined]

    def test_opaque_png_becomes_jpeg(self) -> None:
        p = files.prepare("scan.png", _png_with_text("RGB"))
        assert p.mime == "image/jpeg" and p.name == "scan.jpg" and b"<script>" not in p.data

    @pytest.mark.parametrize("fmt", ["WEBP", "GIF", "BMP", "TIFF"])
    def test_other_image_kinds_accepted(self, fmt: str) -> None:
        out = io.BytesIO()
        Image.new("RGB", (20, 10), (10, 200, 10)).save(out, format=fmt)
        p = files.prepare(f"x.{fmt.lower()}", out.getvalue())
        assert p.mime in ("image/jpeg", "image/png") and (p.width, p.height) == (20, 10)

    def test_large_image_scaled_down(self) -> None:
        out = io.BytesIO()
        Image.new("RGB", (5000, 1000), (1, 2, 3)).save(out, format="JPEG")
        p = files.prepare("wide.jpg", out.getvalue())
        assert (p.width, p.height) == (files.MAX_SIDE, 512)

    def test_pdf_kept_as_it_is(self) -> None:
        raw = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        p = files.prepare("notice.pdf", raw)
        assert p.data == raw and p.mime == "application/pdf" and p.width is None

    @pytest.mark.parametrize(("name", "raw"), [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("x.html", b"<!doctype html><html><body onload=alert(1)></body></html>"),
        ("x.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
    ])
    def test_other_kinds_refused(self, name: str, raw: bytes) -> None:
        with pytest.raises(InputFileError) as err:
            files.prepare(name, raw)
        assert err.value.key == "files.kind" and "JPEG" in str(err.value) and "PDF" in str(err.value)
        assert name in str(err.value)

    def test_truncated_jpeg_refused(self) -> None:
        raw = _jpeg_with_gps((400, 300))
        with pytest.raises(InputFileError) as err:
            files.prepare("cut.jpg", raw[: len(raw) // 2])
        assert err.value.key == "files.broken" and "cut.jpg" in str(err.value)
        zh, hint = err.value.localized("zh")
        assert "无法读取" in zh and hint

    def test_too_big_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GRIDWATCH_MAX_ATTACHMENT_MB", "0.1")
        with pytest.raises(InputFileError) as err:
            files.prepare("big.pdf", b"%PDF-" + b"0" * 200_000)
        assert err.value.key == "files.too_big" and "0.1 MB" in str(err.value)

    def test_pixel_bomb_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(files, "MAX_PIXELS", 1000)
        out = io.BytesIO()
        Image.new("L", (100, 100)).save(out, format="PNG")
        with pytest.raises(InputFileError) as err:
            files.prepare("bomb.png", out.getvalue())
        assert err.value.key == "files.pixels"

    @pytest.mark.parametrize("fmt", ["PNG", "TIFF", "JPEG", "BMP", "WEBP", "GIF"])
    def test_damaged_files_refused_with_a_keyed_error(self, fmt: str) -> None:
        import random

        rng = random.Random(fmt)
        out = io.BytesIO()
        Image.effect_noise((64, 48), 40).convert("RGB").save(out, format=fmt)
        data = out.getvalue()
        for i in range(40):
            damaged = bytearray(data[: rng.randrange(1, len(data))] if i % 2 else data)
            for _ in range(0 if i % 2 else rng.randrange(1, 8)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            try:
                p = files.prepare("x", bytes(damaged))
            except InputFileError as err:
                assert err.key in ("files.kind", "files.broken", "files.pixels")
            else:
                assert p.mime in ("image/jpeg", "image/png")  # damage the decoder got past: still re-encoded

    def test_name_cleaned(self) -> None:
        assert files.prepare("../../etc/pa\x00ss.pdf", b"%PDF-1.4").name == "pa_ss.pdf"
        assert files.prepare("C:\\Users\\a\\photo.pdf", b"%PDF-1.4").name == "photo.pdf"


class TestStore:
    def test_same_photo_stored_once(self, new_store_address: Callable[[], str]) -> None:
        store = open_store(new_store_address())
        photo = _jpeg_with_gps()
        with store.transaction("t", by="王丽") as tx:
            first = files.store_files(tx, [("a.jpg", photo), ("b.jpg", photo)])
        with store.transaction("t", by="李强") as tx:
            again = files.store_files(tx, [("c.jpg", photo), ("n.pdf", b"%PDF-1.4 x")])
        assert first[0] == first[1] == again[0] and again[1] != again[0]
        table = store.read_table(files.FILES)
        assert sorted(table["file_hash"]) == sorted({first[0], again[1]})
        got = files.read_file(store, first[0])
        assert got.name == "a.jpg" and got.added_by == "王丽" and got.mime == "image/jpeg" and got.inline
        assert got.size == len(got.data) and (got.width, got.height) == (64, 48)
        import hashlib

        assert hashlib.sha256(got.data).hexdigest() == first[0]
        pdf = files.read_file(store, again[1])
        assert pdf.data == b"%PDF-1.4 x" and not pdf.inline and pdf.width is None
        assert files.file_names(store, [again[1], first[0]]) == {first[0]: "a.jpg", again[1]: "n.pdf"}

    def test_too_many_refused_and_nothing_stored(self, new_store_address: Callable[[], str]) -> None:
        store = open_store(new_store_address())
        with pytest.raises(InputFileError) as err, store.transaction("t", by="x") as tx:
            files.store_files(tx, [(f"{i}.pdf", b"%PDF-1.4 " + bytes([i])) for i in range(files.MAX_FILES + 1)])
        assert err.value.key == "files.too_many"
        assert store.read_table(files.FILES).empty

    def test_unknown_hash(self, new_store_address: Callable[[], str]) -> None:
        store = open_store(new_store_address())
        with pytest.raises(UnknownIdError):
            files.read_file(store, "0" * 64)
