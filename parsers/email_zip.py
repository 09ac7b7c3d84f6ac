"""Zip archives (mostly e-mail attachments): every file inside becomes a child document, within limits.

A zip is opened as untrusted input: the number of files, the bytes they unpack to, the compression
ratio and the nesting of zips inside zips are all capped, and the bytes are counted as they are
inflated (the sizes a zip declares are not believed). What goes past a limit is left out with a
coded finding; the archive itself is kept whole in the raw store.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from parsers.base import Attachment, ParseResult
from schemas import Finding
from schemas.findings import error

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_files: int = 200
    max_total_bytes: int = 200 * 1024 * 1024
    max_ratio: int = 100  # unpacked / packed, past ``ratio_floor`` bytes
    ratio_floor: int = 1024 * 1024  # small files compress well legitimately (a page of zeros)
    max_depth: int = 2  # a zip inside a zip inside the attachment, not deeper


def is_office_file(names: list[str]) -> bool:
    """Word, Excel and OpenDocument files are zips too, but documents of their own."""
    return "[Content_Types].xml" in names or (bool(names) and names[0] == "mimetype")


def looks_like_zip(data: bytes) -> bool:
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return not is_office_file(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error):
        return True  # a damaged zip is still ours to report


@dataclass
class _Unpacking:
    limits: ZipLimits
    files: list[Attachment] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    total: int = 0
    stopped: bool = False

    def unpack(self, data: bytes, prefix: str, depth: int) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error) as exc:
            self.findings.append(error("ZIP_DAMAGED", f"{prefix.rstrip('/') or 'The archive'} cannot be opened as a "
                                       f"zip ({exc}); ask the sender to send it again."))
            return
        with archive:
            for info in archive.infolist():
                if self.stopped:
                    return
                if not info.is_dir():
                    self._member(archive, info, prefix, depth)

    def _member(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, prefix: str, depth: int) -> None:
        name, limits = prefix + info.filename, self.limits
        if len(self.files) >= limits.max_files:
            self.findings.append(error("ZIP_TOO_MANY_FILES", f"The archive holds more than {limits.max_files} files; "
                                       "the rest were not unpacked."))
            self.stopped = True
            return
        if info.flag_bits & 0x1:
            self.findings.append(error("ZIP_ENCRYPTED", f"{name} is protected by a password in the archive; ask the "
                                       "sender for an unprotected copy.", field=name))
            return
        content = self._read(archive, info, name)
        if content is None:
            return
        if content.startswith(ZIP_MAGIC) and looks_like_zip(content):
            if depth >= limits.max_depth:
                self.findings.append(error("ZIP_TOO_DEEP", f"{name} is a zip inside a zip {depth} levels down; "
                                           "deeper archives are not unpacked.", field=name))
                return
            self.unpack(content, name + "/", depth + 1)
            return
        self.files.append(Attachment(name, content))

    def _read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes | None:
        """The member's bytes, counted while they are inflated; None (with a finding) past a limit."""
        limits, chunks, size = self.limits, [], 0
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if self.total + size > limits.max_total_bytes:
                        self.findings.append(error("ZIP_TOO_LARGE", f"The archive unpacks to more than "
                                                   f"{limits.max_total_bytes} bytes; {name} and what follows were "
                                                   "not unpacked.", field=name))
                        self.stopped = True
                        return None
                    if size > limits.ratio_floor and size > limits.max_ratio * max(info.compress_size, 1):
                        self.findings.append(error("ZIP_BOMB", f"{name} inflates more than {limits.max_ratio} times "
                                                   "its packed size, the mark of a zip bomb; it was not unpacked.",
                                                   field=name))
                        return None
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError,
                struct.error) as exc:
            self.findings.append(error("ZIP_DAMAGED", f"{name} cannot be unpacked ({exc}); ask the sender to send "
                                       "the archive again.", field=name))
            return None
        self.total += size
        return b"".join(chunks)


class ZipParser:
    name = "zip"

    def __init__(self, limits: ZipLimits = ZipLimits()) -> None:
        self.limits = limits

    def sniff(self, data: bytes) -> bool:
        return looks_like_zip(data)

    def parse(self, data: bytes) -> ParseResult:
        unpacking = _Unpacking(self.limits)
        unpacking.unpack(data, "", 0)
        findings = list(unpacking.findings)
        if not unpacking.files and not findings:
            findings.append(error("ZIP_EMPTY", "The zip archive holds no file."))
        notes = [f"{len(unpacking.files)} file(s), {unpacking.total} bytes unpacked"]
        notes += [f"member {a.name} ({len(a.data)} bytes)" for a in unpacking.files]
        return ParseResult(format=self.name, findings=tuple(findings), notes=tuple(notes),
                           attachments=tuple(unpacking.files))
