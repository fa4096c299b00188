"""The e-Gov package (zip), read safely: every entry is checked before any is decompressed.

Refused as ``invalid-package`` (422): not a zip; an entry that is a directory or a link, not
at the top level, or whose name is unsafe (path separators, ``..``, control characters;
non-ASCII names must carry the zip's UTF-8 flag); two entries with one name (ignoring case);
encryption; compression other than stored or deflated; an entry that does not read back as
its header says. Refused as ``too-large`` (413): more than ``MAX_PACKAGE_ENTRIES`` entries, an
entry or the whole beyond its size limit, or an entry that expands more than
``MAX_COMPRESSION_RATIO`` times. Declared sizes are checked first and every read is bounded by
them, so a lying header cannot make the reader inflate more.
"""

from __future__ import annotations

import io
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from kentei.submissions.errors import TOO_LARGE, RefusalKind, error, too_large
from kentei.submissions.limits import (
    COMPRESSION_RATIO_FLOOR,
    MAX_ATTACHMENT_BYTES,
    MAX_COMPRESSION_RATIO,
    MAX_DOCUMENT_BYTES,
    MAX_MANIFEST_BYTES,
    MAX_PACKAGE_CONTENT_BYTES,
    MAX_PACKAGE_ENTRIES,
)
from kentei.submissions.names import collision_key, file_name_problem

if TYPE_CHECKING:
    from zipfile import ZipFile, ZipInfo

MANIFEST: Final = "kousei.xml"
"""構成管理情報: what the package holds, and its XML signature."""
DOCUMENT: Final = "application.json"
"""The application document (the schema of Mynaportal's ``document``)."""

INVALID: Final = "invalid-package"
LOCATION: Final = "package"
_DETAIL: Final = "the e-Gov package is not acceptable"
_ENCRYPTED: Final = 0x1
_UTF8_NAME: Final = 0x800
_SIZE_LIMITS: Final = {MANIFEST: MAX_MANIFEST_BYTES, DOCUMENT: MAX_DOCUMENT_BYTES}


@dataclass(frozen=True)
class Entry:
    """A file of the package: its name, its bytes, and where a client finds it."""

    name: str
    content: bytes = field(repr=False)
    location: str


def location_of(index: int, name: str) -> str:
    """Where a client finds an entry: the two fixed files by name, others by position (0-based,
    in the zip's central directory), since a file name is the client's own text."""
    return f"{LOCATION}:{name}" if name in _SIZE_LIMITS else f"{LOCATION}:entries.{index}"


def require(entries: Mapping[str, Entry], name: str) -> Entry:
    """The entry ``name``, which the package must contain."""
    entry = entries.get(name)
    if entry is None:
        raise error(
            RefusalKind.INVALID,
            INVALID,
            _DETAIL,
            f"{LOCATION}:{name}",
            "is missing: the package must contain it",
        )
    return entry


def read_package(data: bytes) -> Mapping[str, Entry]:
    """The package's files by name, in the zip's order."""
    archive = _open(data)
    infos = archive.infolist()
    if len(infos) > MAX_PACKAGE_ENTRIES:
        raise too_large(MAX_PACKAGE_ENTRIES, LOCATION, "files")
    seen: set[str] = set()
    for index, info in enumerate(infos):
        _check_entry(index, info, seen)
    if sum(info.file_size for info in infos) > MAX_PACKAGE_CONTENT_BYTES:
        raise too_large(MAX_PACKAGE_CONTENT_BYTES, LOCATION)
    return {
        info.filename: Entry(
            info.filename, _read(archive, index, info), location_of(index, info.filename)
        )
        for index, info in enumerate(infos)
    }


def _open(data: bytes) -> ZipFile:
    import zipfile

    archive = None
    # zipfile reports a malformed archive with many exception types (BadZipFile, EOFError,
    # ValueError, NotImplementedError, UnicodeDecodeError...): any of them means "not a zip".
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        archive = None
    if archive is None:
        raise error(RefusalKind.INVALID, INVALID, _DETAIL, LOCATION, "must be a zip archive")
    return archive


def _check_entry(index: int, info: ZipInfo, seen: set[str]) -> None:
    import zipfile

    name = info.orig_filename
    location = location_of(index, name)
    problem = None
    if name.endswith("/") or info.is_dir():
        problem = "must be a file: the package holds files only, at its top level"
    elif (name_problem := file_name_problem(name)) is not None:
        problem = f"has an unsafe name: {name_problem}, and it must be at the top level"
    elif not name.isascii() and not info.flag_bits & _UTF8_NAME:
        problem = "has a non-ASCII name without the zip's UTF-8 flag (general purpose bit 11)"
    elif stat.S_ISLNK(info.external_attr >> 16):
        problem = "must be a file, not a link"
    elif info.flag_bits & _ENCRYPTED:
        problem = "is encrypted: encrypted entries are not accepted"
    elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        problem = "must be stored or deflated"
    elif collision_key(name) in seen:
        problem = "has the name of another entry (names are compared ignoring case)"
    if problem is not None:
        raise error(RefusalKind.INVALID, INVALID, _DETAIL, location, problem)
    seen.add(collision_key(name))
    limit = _SIZE_LIMITS.get(name, MAX_ATTACHMENT_BYTES)
    if info.file_size > limit:
        raise too_large(limit, location)
    if (
        info.file_size > COMPRESSION_RATIO_FLOOR
        and info.file_size > MAX_COMPRESSION_RATIO * info.compress_size
    ):
        raise error(
            RefusalKind.TOO_LARGE,
            TOO_LARGE,
            "the submission exceeds a size limit",
            location,
            f"expands more than {MAX_COMPRESSION_RATIO} times: refused as a zip bomb",
        )


def _read(archive: ZipFile, index: int, info: ZipInfo) -> bytes:
    content = None
    # As in _open: a corrupt entry (bad CRC, truncated data, wrong local header) surfaces as
    # one of several exception types.
    try:
        with archive.open(info) as stream:
            content = stream.read(info.file_size + 1)
    except Exception:
        content = None
    if content is None or len(content) != info.file_size:
        raise error(
            RefusalKind.INVALID,
            INVALID,
            _DETAIL,
            location_of(index, info.orig_filename),
            "cannot be read: it does not decompress to what its header says",
        )
    return content
