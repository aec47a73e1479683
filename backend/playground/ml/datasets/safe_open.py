"""Opening files in the uploads folder without ever following a symbolic link.

A link placed there (`7.csv -> /etc/passwd`) must not be read: not parsed, not counted,
not quoted in an error. The last path component is opened with O_NOFOLLOW and the open
file must be a regular file; the folder itself must be a real folder inside data_dir.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

UPLOADS = "uploads"


class NotRegularError(OSError):
    """The name exists but is a link, a folder or a device: never opened for reading."""


def uploads_dir(data_dir: Path) -> Path:
    """<data_dir>/uploads, refused when it is a link (its files could be anywhere)."""
    folder = data_dir / UPLOADS
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        return folder  # nothing uploaded yet: every name in it is "missing"
    if not stat.S_ISDIR(mode):
        raise NotRegularError(f"{UPLOADS} is not a folder")
    return folder


def exists(path: Path) -> bool:
    """A regular file (not a link to one) is at `path`."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading; NotRegularError for links and anything but a plain file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:  # ELOOP: the name is a symbolic link
        raise NotRegularError(f"{path.name} is not a regular file") from e
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a fifo or device opened without blocking
        os.close(fd)
        raise NotRegularError(f"{path.name} is not a regular file")
    return os.fdopen(fd, "rb")
