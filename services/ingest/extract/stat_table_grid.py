"""Tables as pages print them in text: a header row, then rows of as many cells.

Two layouts are read: cells one per line, each closed by "|" (a table flattened by a page
scraper), and rows on one line with cells split by "|" or tabs. Only the grid is found
here; what its columns mean is `stat_tables`' work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPLIT = re.compile(r"\s*(?:\||\t)\s*|\s{2,}")
# Cells set apart by runs of spaces, as tables come out of a page's layout.
_SPACED = re.compile(r"\S {2,}\S")
_NUMERIC = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell's text and where it stands in the document."""

    text: str
    start: int
    end: int

    @property
    def numeric(self) -> bool:
        """Whether the cell holds only a number."""
        return _NUMERIC.fullmatch(self.text) is not None


@dataclass(frozen=True, slots=True)
class Grid:
    """A table found in a text: where it stands, its header and its rows."""

    start: int
    end: int
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]


def grids(text: str) -> tuple[Grid, ...]:
    """Every table of a text, in text order."""
    out: list[Grid] = []
    block: list[list[Cell]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        cells = _cells(line, pos) if _tabular(line) else None
        if cells:
            block.append(cells)
        else:
            out.extend(_grid(block))
            block = []
        pos += len(line)
    out.extend(_grid(block))
    out.extend(_labelled(text))
    return tuple(sorted(out, key=lambda g: g.start))


def _tabular(line: str) -> bool:
    """A line of cells: split by "|" or tabs, or a short line of cells set apart by runs of
    spaces (a sentence with a double space after its full stop is no row)."""
    if "|" in line or "\t" in line:
        return True
    return len(line) <= 120 and _SPACED.search(line) is not None and ". " not in line


def _cells(line: str, pos: int) -> list[Cell]:
    """The non-empty cells of one line."""
    cells: list[Cell] = []
    at = 0
    for part in _SPLIT.split(line.rstrip("\r\n")):
        at = line.find(part, at) if part else at
        text = part.strip()
        if text:
            start = pos + at + (len(part) - len(part.lstrip()))
            cells.append(Cell(text, start, start + len(text)))
        at += len(part)
    return cells


def _grid(block: list[list[Cell]]) -> list[Grid]:
    """The table of a block of cell lines, if it has one."""
    if len(block) < 2:
        return []
    if all(len(cells) == 1 for cells in block):
        return _flattened([cells[0] for cells in block])
    header, *rows = block
    if len(header) < 2:
        return []
    if any(c.numeric for c in header):
        # a table without a header row: its columns are named by nothing but their cells
        header, rows = [Cell("", c.start, c.start) for c in header], block
    kept = tuple(tuple(r) for r in rows if len(r) == len(header))
    return [Grid(block[0][0].start, block[-1][-1].end, tuple(header), kept)] if kept else []


def _flattened(cells: list[Cell]) -> list[Grid]:
    """A table printed one cell per line: the narrowest width whose rows agree on which
    columns hold numbers (and hold at least one) after a header without numbers."""
    for width in range(2, min(9, len(cells) // 2 + 1)):
        header, body = cells[:width], cells[width:]
        if any(c.numeric for c in header):
            break
        rows = [tuple(body[i : i + width]) for i in range(0, len(body) - width + 1, width)]
        shape = [c.numeric for c in rows[0]] if rows else []
        if any(shape) and all([c.numeric for c in r] == shape for r in rows):
            return [Grid(cells[0].start, rows[-1][-1].end, tuple(header), tuple(rows))]
    return []


_LABEL = re.compile(r"[A-Za-z][^.!?:;|\t]{2,80}")


def _labelled(text: str) -> list[Grid]:
    """A table printed as a label line over a number line, pair after pair (at least two):
    "Invention patents granted" / "432,000". Blank lines between them do not matter."""
    lines: list[Cell] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.strip()
        if body:
            start = pos + line.index(body)
            lines.append(Cell(body, start, start + len(body)))
        pos += len(line)
    out: list[Grid] = []
    i = 0
    while i + 1 < len(lines):
        rows = []
        while i + 1 < len(lines) and _pair(lines[i], lines[i + 1]):
            rows.append((lines[i], lines[i + 1]))
            i += 2
        if len(rows) >= 2:
            empty = Cell("", rows[0][0].start, rows[0][0].start)
            out.append(Grid(rows[0][0].start, rows[-1][1].end, (empty, empty), tuple(rows)))
        i += 0 if rows else 1
    return out


def _pair(label: Cell, value: Cell) -> bool:
    return value.numeric and not label.numeric and _LABEL.fullmatch(label.text) is not None
