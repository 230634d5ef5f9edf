"""The one error type of the data room: it names file, row, column, value and what was expected."""

from __future__ import annotations

import errno
import os
import unicodedata
from pathlib import Path


class DataError(ValueError):
    """A data file breaks a rule; raised before anything is written.

    Parameters
    ----------
    file : str
        File name relative to the data directory (never an absolute path).
    row : int or None
        1-based line number in the file (the header is line 1), or None when the
        problem concerns the whole file.
    column : str or None
        Offending column, or None.
    value : object
        The offending value (shortened when long).
    expected : str
        What the rule expected, in plain words.

    Examples
    --------
    >>> err = DataError("observations.csv", 12, "value", -5, "a non-negative number")
    >>> str(err)
    "observations.csv, row 12, column 'value': got '-5', expected a non-negative number"
    """

    def __init__(self, file: str, row: int | None, column: str | None, value: object, expected: str):
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        self.expected = expected
        super().__init__(self._message())

    def _message(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        shown = str(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return f"{', '.join(where)}: got {shown!r}{lookalikes(shown)}, expected {self.expected}"

    def __reduce__(self):  # keep the five fields when pickled (parallel runners)
        return (DataError, (self.file, self.row, self.column, self.value, self.expected))


_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def lookalikes(text: str) -> str:
    """Name the characters of ``text`` that look like others: invisible or unusual spaces,
    non-ASCII digits, dashes and minus signs, and letters of another script among Latin ones
    (a Cyrillic К in "КZ-43"); empty when there are none.

    Examples
    --------
    >>> lookalikes("\u041aZ-43")
    ' (contains U+041A CYRILLIC CAPITAL LETTER KA at position 1)'
    >>> lookalikes("KZ-43"), lookalikes("Қызылорда облысы")
    ('', '')
    """
    scripts = {name.split()[0] for name in map(lambda c: unicodedata.name(c, ""), text) if name.split()[:1]
               and name.split()[0] in _SCRIPTS}
    found = []
    for position, char in enumerate(text, start=1):
        if char.isascii() and (char.isprintable() or char in "\t"):
            continue
        category = unicodedata.category(char)
        name = unicodedata.name(char, "")
        script = name.split()[0] if name else ""
        suspicious = (category in ("Zs", "Zl", "Zp", "Cf", "Cc", "Co", "Cn", "Pd", "Nd", "No")
                      or char == "\u2212" or (script in _SCRIPTS and len(scripts) > 1 and script != "LATIN"))
        if suspicious:
            found.append(f"U+{ord(char):04X} {name or 'an unnamed character'} at position {position}")
    if not found:
        return ""
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return f" (contains {', '.join(found[:3])}{more})"


_NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_NO_PERMISSION = {errno.EACCES, errno.EPERM, errno.EROFS}


def os_error(err: OSError, base: str | os.PathLike | None = None, *, kept: str, reading: bool = False) -> DataError:
    """The one-line error for a file the system refused to read or write (a full disk, a read-only folder).

    Parameters
    ----------
    err : OSError
        What the system raised; its ``filename`` names the file.
    base : path, optional
        Folder the file is named relative to (default: the file's own name only).
    kept : str
        What is unchanged after the failure, in plain words ("the data are unchanged").
    reading : bool
        The file was being read (else: written).

    Examples
    --------
    >>> import errno
    >>> str(os_error(OSError(errno.ENOSPC, "No space left on device", "/x/data/observations.csv"), "/x",
    ...              kept="the data are unchanged"))
    "data/observations.csv: got 'No space left on device', expected free space on the disk to write it (the data are unchanged)"
    """
    name = Path(err.filename) if err.filename else None
    if name is None:
        shown = "(no file named)"
    elif base is not None and name.is_absolute() and name.is_relative_to(Path(base).resolve()):
        shown = name.relative_to(Path(base).resolve()).as_posix()
    else:
        shown = name.name or str(name)
    if err.errno in _NO_ROOM:
        need = "free space on the disk to write it"
    elif err.errno in _NO_PERMISSION:
        need = "a file this user may read" if reading else "a folder and file this user may write"
    elif err.errno == errno.EISDIR:
        need = "a file, not a folder"
    elif err.errno == errno.ENOENT:
        need = "the file to exist"
    else:
        need = "a file the system can read" if reading else "a file the system can write"
    return DataError(shown, None, None, err.strerror or type(err).__name__, f"{need} ({kept})")
