"""The one error type of the data room: it names file, row, column, value and what was expected."""

from __future__ import annotations


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
        return f"{', '.join(where)}: got {shown!r}, expected {self.expected}"

    def __reduce__(self):  # keep the five fields when pickled (parallel runners)
        return (DataError, (self.file, self.row, self.column, self.value, self.expected))
