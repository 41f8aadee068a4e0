"""Photos: checked, stripped of metadata by re-encoding, and kept only encrypted.

Files live under ``COVENANT_DATA_DIR/grievances/`` with random names; they are never
served as they are (a handler's view decrypts them) and are overwritten before removal.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS = 40_000_000


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "grievances"
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_photo(data: bytes) -> tuple[bytes, str]:
    """Return the re-encoded image (no EXIF, GPS, comments or colour-profile names) and its type.

    Refuses anything that is not a JPEG or PNG, is too large, or does not decode.
    """
    limit = int(settings.GRIEVANCE_PHOTO_MAX_BYTES)
    if len(data) > limit:
        raise ValidationError(
            _("The photo is too large. Send a photo of at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
        )
    if data.startswith(JPEG_MAGIC):
        kind, fmt = "image/jpeg", "JPEG"
    elif data.startswith(PNG_MAGIC):
        kind, fmt = "image/png", "PNG"
    else:
        raise ValidationError(_("Only photos (JPEG or PNG) can be sent."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != fmt or probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError(_("Only photos (JPEG or PNG) can be sent."))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                # Turn the picture upright before the orientation tag goes with the rest of the metadata.
                upright = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                has_alpha = upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info
                mode = "RGBA" if fmt == "PNG" and has_alpha else "RGB"
                # A fresh image carries pixels only: no EXIF, GPS, comment, ICC or text chunks.
                clean = Image.new(mode, upright.size)
                clean.paste(upright.convert(mode))
                if fmt == "JPEG":
                    clean.save(out, format="JPEG", quality=85, optimize=True)
                else:
                    clean.save(out, format="PNG", optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
        raise ValidationError(_("This photo could not be read. Try another one.")) from exc
    return out.getvalue(), kind


def write(blob: bytes) -> str:
    """Store an (already encrypted) blob under a fresh random name; returns the relative path."""
    name = secrets.token_hex(16)
    path = folder() / name
    with open(path, "xb") as handle:
        handle.write(blob)
        handle.flush()
        os.fsync(handle.fileno())
    return name


def read(name: str) -> bytes:
    return (folder() / Path(name).name).read_bytes()


def shred(name: str) -> None:
    """Overwrite a file with random bytes, then remove it. Missing files are fine."""
    path = folder() / Path(name).name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with open(path, "r+b") as handle:
        handle.write(secrets.token_bytes(size))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink(missing_ok=True)


def _wav_fmt_and_data(data: bytes) -> bytes | None:
    """Rebuild a RIFF/WAVE file from its ``fmt `` and ``data`` chunks only (no LIST/INFO or
    other metadata chunks); None when it is not a readable WAVE file."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, kept = 12, {}
    while pos + 8 <= len(data):
        chunk_id, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        body = data[pos + 8 : pos + 8 + size]
        if chunk_id in (b"fmt ", b"data") and chunk_id not in kept:
            kept[chunk_id] = body
        pos += 8 + size + (size & 1)
    if b"fmt " not in kept or not kept.get(b"data"):
        return None
    chunks = b"".join(
        cid + len(body).to_bytes(4, "little") + body + (b"\x00" if len(body) & 1 else b"")
        for cid, body in ((b"fmt ", kept[b"fmt "]), (b"data", kept[b"data"]))
    )
    return b"RIFF" + (4 + len(chunks)).to_bytes(4, "little") + b"WAVE" + chunks


def clean_recording(data: bytes) -> tuple[bytes, str]:
    """A voice recording (WAV or MP3, as telephony providers give them), without metadata
    chunks or tags, and its type. Raises ValueError for anything else or anything too large
    (the caller hears a spoken message, never this text)."""
    limit = int(settings.GRIEVANCE_VOICE_MAX_BYTES)
    if len(data) > limit:
        raise ValueError("recording too large")
    wav = _wav_fmt_and_data(data)
    if wav is not None:
        return wav, "audio/wav"
    if data.startswith(b"ID3") and len(data) > 10:
        # An ID3v2 tag (title, artist, comments): its size is a 28-bit "syncsafe" integer.
        size = int.from_bytes(bytes(b & 0x7F for b in data[6:10]), "big") + 10
        data = data[size:]
    if len(data) > 4 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        if data[-128:-125] == b"TAG":  # an ID3v1 tag at the end
            data = data[:-128]
        return data, "audio/mpeg"
    raise ValueError("not a WAV or MP3 recording")
