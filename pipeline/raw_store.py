"""The raw store: every received byte, content-addressed by sha256, before anything else happens."""

from __future__ import annotations

import hashlib
import uuid

import fsspec


class RawStore:
    """Raw documents under ``<url>/<sha[:2]>/<sha>`` on any fsspec filesystem (local folder by default)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.fs, self.root = fsspec.core.url_to_fs(self.url)

    def path(self, sha256: str) -> str:
        return f"{self.root}/{sha256[:2]}/{sha256}"

    def put(self, data: bytes) -> str:
        """Store ``data`` (idempotent) and return its sha256."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if self.fs.exists(target):
            return sha256
        self.fs.makedirs(f"{self.root}/{sha256[:2]}", exist_ok=True)
        # Write then rename, so a crash never leaves a partial file under the final name.
        temporary = f"{target}.{uuid.uuid4().hex}.partial"
        with self.fs.open(temporary, "wb") as handle:
            handle.write(data)
        self.fs.mv(temporary, target)
        return sha256

    def get(self, sha256: str) -> bytes:
        with self.fs.open(self.path(sha256), "rb") as handle:
            return handle.read()

    def exists(self, sha256: str) -> bool:
        return self.fs.exists(self.path(sha256))
