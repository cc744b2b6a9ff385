"""Recording files on disk: which types are accepted, how they are written and how they are read
back in byte ranges (HTTP range requests, RFC 9110 section 14, so the browser's player can seek).

Files live under MEDIA_ROOT/recordings/<uuid>.<ext>: outside the web root, named by a random
identifier (never a patient's name or code), and served only by the rating app's stream view.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from .models import RECORDINGS_DIR

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    signature: str  # how the file's first bytes are recognised


# Formats that browsers play in <video>/<audio> (Chromium: MP4/H.264, WebM, Ogg, WAV, MP3).
FILE_TYPES = {
    file_type.extension: file_type
    for file_type in (
        FileType("mp4", "video/mp4", "ftyp"),
        FileType("m4v", "video/mp4", "ftyp"),
        FileType("m4a", "audio/mp4", "ftyp"),
        FileType("webm", "video/webm", "ebml"),
        FileType("ogv", "video/ogg", "ogg"),
        FileType("ogg", "audio/ogg", "ogg"),
        FileType("oga", "audio/ogg", "ogg"),
        FileType("wav", "audio/wav", "riff_wave"),
        FileType("mp3", "audio/mpeg", "mpeg_audio"),
    )
}


def _matches(signature: str, head: bytes) -> bool:
    checks = {
        "ftyp": head[4:8] == b"ftyp",
        "ebml": head[:4] == b"\x1a\x45\xdf\xa3",
        "ogg": head[:4] == b"OggS",
        "riff_wave": head[:4] == b"RIFF" and head[8:12] == b"WAVE",
        "mpeg_audio": head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0),
    }
    return checks[signature]


class RecordingRejected(ValueError):
    """An upload that is not accepted; `code` is translated by the form: too_large, wrong_type, empty."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def accepted_type(name: str, head: bytes, size: int) -> FileType:
    """The file's type if its size, extension and first bytes are acceptable; else RecordingRejected."""
    if size == 0:
        raise RecordingRejected("empty")
    if size > settings.RECORDING_MAX_BYTES:
        raise RecordingRejected("too_large")
    file_type = FILE_TYPES.get(Path(name).suffix.lower().lstrip("."))
    if file_type is None or not _matches(file_type.signature, head):
        raise RecordingRejected("wrong_type")
    return file_type


# Scanned consent forms: a PDF or a photo of the signed page, kept beside the recordings.
FORM_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
FORM_SIGNATURES = {"pdf": b"%PDF", "png": b"\x89PNG", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff"}
FORM_MAX_BYTES = 20 * 1024 * 1024


def accepted_form(name: str, head: bytes, size: int) -> str:
    """The scanned form's extension if it is a PDF, PNG or JPEG of an acceptable size; else RecordingRejected."""
    if size == 0:
        raise RecordingRejected("empty")
    if size > FORM_MAX_BYTES:
        raise RecordingRejected("too_large")
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in FORM_TYPES or not head.startswith(FORM_SIGNATURES[extension]):
        raise RecordingRejected("wrong_type")
    return extension


@dataclass(frozen=True)
class StoredFile:
    file_name: str
    size_bytes: int
    sha256: str


def store(chunks: Iterator[bytes], extension: str) -> StoredFile:
    """Write the chunks to a new file (temporary name first, so a failed upload leaves nothing)."""
    directory = Path(settings.MEDIA_ROOT) / RECORDINGS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    file_name = f"{uuid.uuid4()}.{extension}"
    partial = directory / f".{file_name}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with partial.open("xb") as output:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                output.write(chunk)
        os.replace(partial, directory / file_name)
    finally:
        partial.unlink(missing_ok=True)
    return StoredFile(file_name=file_name, size_bytes=size, sha256=digest.hexdigest())


def remove(file_name: str) -> None:
    (Path(settings.MEDIA_ROOT) / RECORDINGS_DIR / file_name).unlink(missing_ok=True)


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class UnsatisfiableRange(ValueError):
    """The range does not overlap the file: answered with 416 and `Content-Range: bytes */size`."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte (inclusive) asked for, or None to send the whole file.

    One range only (`bytes=0-99`, `bytes=100-`, `bytes=-500`); a header that is not of this form,
    including several ranges, is ignored and the whole file is sent, as RFC 9110 14.2 allows.
    """
    match = _RANGE.match((header or "").strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = (_position(text) for text in match.groups())
    if first is None:
        if last == 0:
            raise UnsatisfiableRange
        return max(size - last, 0), size - 1
    end = min(last, size - 1) if last is not None else size - 1
    if first >= size or (last is not None and last < first):
        raise UnsatisfiableRange
    return first, end


# More digits than any file's size has; Python refuses to convert the longest ones (over 4,300).
_POSITION_DIGITS = 19


def _position(text: str) -> int | None:
    """A byte position of the header (None if absent); one too long to read is past every file's end."""
    if text == "":
        return None
    digits = text.lstrip("0") or "0"
    return 10**_POSITION_DIGITS if len(digits) > _POSITION_DIGITS else int(digits)


def read_range(path: Path, start: int, end: int) -> Iterator[bytes]:
    """The bytes start..end (inclusive) of a file, in chunks."""
    with path.open("rb") as source:
        source.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            chunk = source.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def ranged_response(header: str | None, path: Path, size: int, content_type: str) -> HttpResponse:
    """The file (200), the byte range asked for (206) or 416 for a range past its end."""
    try:
        byte_range = parse_range(header, size)
    except UnsatisfiableRange:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if byte_range is None:
        response = FileResponse(path.open("rb"), content_type=content_type)
    else:
        start, end = byte_range
        response = StreamingHttpResponse(read_range(path, start, end), status=206)
        response["Content-Type"] = content_type
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    return response
