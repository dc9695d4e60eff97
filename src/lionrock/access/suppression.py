"""The three-organisation rule for published statistics (the sector view). Pure.

A table is a grid of cells, each a count together with the organisations it covers, optionally
with row totals, column totals and a grand total. Two steps decide what is shown:

1. **Primary suppression**: every cell (totals included) covering fewer than `MIN_ORGS`
   organisations is suppressed (shown as "< 3"). A cell covering no organisation counts too: "none
   of the three banks did X" is a statement about each of them.
2. **Complementary suppression**: the shown values and the table's sums (each row adds up to its
   total, each column to its total, the totals to the grand total) are linear equations. While any
   suppressed cell is *determined* by them (its value follows from what is shown, by subtraction
   along a row or a column or by any combination of sums), one more cell of an equation it is in is
   suppressed: the smallest shown inner cell, or a total when no inner cell is left.

Determination is decided exactly with rational Gaussian elimination: a suppressed cell is determined
iff its unit vector lies in the row space of the equations restricted to the suppressed cells.

What this does not protect: bounds. Counts are non-negative, so a suppressed value is known to lie
between 0 and what its row or column leaves over; when that is 0 or tiny, the interval is narrow.
The rule protects against exact derivation, as issue 9 asks ("cells that could be derived by
subtracting totals")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

MIN_ORGS = 3

Key = tuple[int, int]
"""(row, column) in the extended table: row == rows means the column-totals row, column == columns
the row-totals column; (rows, columns) is the grand total."""


@dataclass(frozen=True)
class Cell:
    value: int
    orgs: frozenset[int]


@dataclass(frozen=True)
class Table:
    """Inner cells `cells[row][column]`; totals are computed (sums of values, unions of organisations)."""

    cells: tuple[tuple[Cell, ...], ...]
    row_totals: bool = True
    column_totals: bool = True

    @property
    def rows(self) -> int:
        return len(self.cells)

    @property
    def columns(self) -> int:
        return len(self.cells[0]) if self.cells else 0


@dataclass(frozen=True)
class Shown:
    """One cell as published: its value, or None when suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Released:
    """A suppressed table: inner cells, and totals where the table has them (None otherwise)."""

    cells: tuple[tuple[Shown, ...], ...]
    row_totals: tuple[Shown, ...] | None
    column_totals: tuple[Shown, ...] | None
    grand_total: Shown | None


def small(orgs: int) -> bool:
    """A count covering fewer than MIN_ORGS organisations is never shown."""
    return orgs < MIN_ORGS


def extended(table: Table) -> dict[Key, Cell]:
    """Every cell of the table with its totals, keyed as `Key` says."""
    out: dict[Key, Cell] = {}
    r_n, c_n = table.rows, table.columns
    for r, row in enumerate(table.cells):
        for c, cell in enumerate(row):
            out[(r, c)] = cell
    if table.row_totals:
        for r, row in enumerate(table.cells):
            out[(r, c_n)] = _sum(row)
    if table.column_totals:
        for c in range(c_n):
            out[(r_n, c)] = _sum([table.cells[r][c] for r in range(r_n)])
    if table.row_totals and table.column_totals:
        out[(r_n, c_n)] = _sum([cell for row in table.cells for cell in row])
    return out


def _sum(cells: Sequence[Cell]) -> Cell:
    orgs: frozenset[int] = frozenset().union(*(c.orgs for c in cells)) if cells else frozenset()
    return Cell(sum(c.value for c in cells), orgs)


Equation = tuple[tuple[Key, ...], Key]
"""parts, total: the values of `parts` add up to the value of `total`."""


def equations(table: Table) -> list[Equation]:
    r_n, c_n = table.rows, table.columns
    found: list[Equation] = []
    if table.row_totals:
        found += [(tuple((r, c) for c in range(c_n)), (r, c_n)) for r in range(r_n)]
    if table.column_totals:
        found += [(tuple((r, c) for r in range(r_n)), (r_n, c)) for c in range(c_n)]
    if table.row_totals and table.column_totals:
        found.append((tuple((r, c_n) for r in range(r_n)), (r_n, c_n)))
        found.append((tuple((r_n, c) for c in range(c_n)), (r_n, c_n)))
    return found


def determined(eqs: Sequence[Equation], hidden: set[Key]) -> set[Key]:
    """The hidden cells whose value follows from the shown ones through the equations."""
    order = sorted(hidden)
    index = {k: i for i, k in enumerate(order)}
    matrix: list[list[Fraction]] = []
    for parts, total in eqs:
        row = [Fraction(0)] * len(order)
        for k in parts:
            if k in index:
                row[index[k]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            matrix.append(row)
    reduced = _rref(matrix, len(order))
    return {order[i] for row in reduced if (nz := [i for i, v in enumerate(row) if v]) and len(nz) == 1 for i in nz}


def _rref(matrix: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    rows = [r[:] for r in matrix]
    pivot_row = 0
    for col in range(width):
        found = next((i for i in range(pivot_row, len(rows)) if rows[i][col] != 0), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for i in range(len(rows)):
            if i != pivot_row and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[pivot_row], strict=True)]
        pivot_row += 1
        if pivot_row == len(rows):
            break
    return rows[:pivot_row]


def suppressed_keys(table: Table) -> set[Key]:
    """Primary, then complementary suppression (see the module's text)."""
    cells = extended(table)
    if not table.rows or not table.columns:  # nothing inside: its totals are empty sums, hidden
        return set(cells)
    hidden = {k for k, cell in cells.items() if small(len(cell.orgs))}
    eqs = equations(table)
    while True:
        exposed = determined(eqs, hidden)
        if not exposed:
            return hidden
        key = min(exposed)
        if table.row_totals and table.column_totals:
            added = _cycle_through(table, cells, hidden, key)
        else:  # one family of sums: each cell is in one equation; hide its smallest other member
            added = {
                _cheapest(cells, [k for parts, total in eqs if key in (*parts, total) for k in (*parts, total)], hidden)
            }
        if not added - hidden:  # cannot happen (see tests); fail closed all the same
            return set(cells)
        hidden |= added


def _cost(cells: dict[Key, Cell], key: Key) -> int:
    return cells[key].value + 1


def _cheapest(cells: dict[Key, Cell], candidates: list[Key], hidden: set[Key]) -> Key:
    shown = [k for k in candidates if k not in hidden]
    return min(shown, key=lambda k: (_cost(cells, k), k)) if shown else candidates[0]


def _cycle_through(table: Table, cells: dict[Key, Cell], hidden: set[Key], key: Key) -> set[Key]:
    """With row and column totals, a hidden cell is determined exactly when no cycle of hidden cells
    (alternating along its row and its column) runs through it. The cheapest cells that close such a
    cycle: a shortest path from its column back to its row (Dijkstra; hidden cells cost nothing)."""
    r_n, c_n = table.rows + 1, table.columns + 1
    row, col = key
    # nodes: ("r", i) and ("c", j); the cell (i, j) joins them
    start, goal = ("c", col), ("r", row)
    best: dict[tuple[str, int], int] = {start: 0}
    back: dict[tuple[str, int], tuple[tuple[str, int], Key]] = {}
    queue = [(0, start)]
    done: set[tuple[str, int]] = set()
    while queue:
        queue.sort()
        dist, node = queue.pop(0)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            break
        side, n = node
        others = [("r", i) for i in range(r_n)] if side == "c" else [("c", j) for j in range(c_n)]
        for other in others:
            cell = (other[1], n) if side == "c" else (n, other[1])
            if cell == key:
                continue
            step = 0 if cell in hidden else _cost(cells, cell)
            if other not in best or dist + step < best[other]:
                best[other] = dist + step
                back[other] = (node, cell)
                queue.append((dist + step, other))
    path: set[Key] = set()
    node = goal
    while node != start:
        node, cell = back[node]
        path.add(cell)
    return path


def release(table: Table) -> Released:
    """The table as it may be shown."""
    cells = extended(table)
    hidden = suppressed_keys(table)
    r_n, c_n = table.rows, table.columns

    def shown(key: Key) -> Shown:
        return Shown(None if key in hidden else cells[key].value)

    return Released(
        cells=tuple(tuple(shown((r, c)) for c in range(c_n)) for r in range(r_n)),
        row_totals=tuple(shown((r, c_n)) for r in range(r_n)) if table.row_totals else None,
        column_totals=tuple(shown((r_n, c)) for c in range(c_n)) if table.column_totals else None,
        grand_total=shown((r_n, c_n)) if table.row_totals and table.column_totals else None,
    )


def statistic_shown(orgs: int) -> bool:
    """A statistic that is not a sum (a median, a percentile) is shown from MIN_ORGS organisations on."""
    return not small(orgs)


def may_view_sector(org_kind: str) -> bool:
    """The sector view is the supervisor's: regulators only (not law enforcement, not operators)."""
    return org_kind == "regulator"
