"""The three-organisation rule with complementary suppression (access.suppression), pure."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from lionrock.access.suppression import (
    MIN_ORGS,
    Cell,
    Table,
    equations,
    extended,
    release,
    suppressed_keys,
)


def _cell(value: int, orgs: int, base: int = 0) -> Cell:
    return Cell(value, frozenset(range(base, base + orgs)))


def _rank(rows: list[list[Fraction]]) -> int:
    """Plain Gaussian elimination (written apart from the module's, as an independent check)."""
    m = [r[:] for r in rows]
    rank = 0
    width = len(m[0]) if m else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(rank + 1, len(m)):
            f = m[i][col] / m[rank][col]
            m[i] = [a - f * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank


def _derivable(table: Table, hidden: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Hidden cells whose value the shown values and the sums fix: e_v lies in the row space."""
    order = sorted(hidden)
    idx = {k: i for i, k in enumerate(order)}
    matrix = []
    for parts, total in equations(table):
        row = [Fraction(0)] * len(order)
        for k in parts:
            if k in idx:
                row[idx[k]] += 1
        if total in idx:
            row[idx[total]] -= 1
        matrix.append(row)
    if not order:
        return set()
    base = _rank(matrix)
    found = set()
    for k in order:
        unit = [Fraction(1 if i == idx[k] else 0) for i in range(len(order))]
        if _rank([*matrix, unit]) == base:
            found.add(k)
    return found


@st.composite
def tables(draw: st.DrawFn) -> Table:
    rows = draw(st.integers(1, 4))
    cols = draw(st.integers(1, 4))
    cells = []
    base = 0
    for _ in range(rows):
        row = []
        for _ in range(cols):
            orgs = draw(st.integers(0, 5))
            value = draw(st.integers(orgs, orgs + 20)) if orgs else 0
            # overlapping organisation ids across cells, as in real tables
            start = draw(st.integers(0, 6))
            row.append(Cell(value, frozenset(range(start, start + orgs))))
            base += 1
        cells.append(tuple(row))
    flags = draw(st.sampled_from([(True, True), (True, False), (False, True), (False, False)]))
    return Table(tuple(cells), row_totals=flags[0], column_totals=flags[1])


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_suppressed_cell_can_be_worked_out_from_what_is_shown(table: Table) -> None:
    hidden = suppressed_keys(table)
    assert not _derivable(table, hidden)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_small_cells_are_hidden_and_shown_cells_are_true(table: Table) -> None:
    cells = extended(table)
    hidden = suppressed_keys(table)
    for key, cell in cells.items():
        if len(cell.orgs) < MIN_ORGS:
            assert key in hidden
    out = release(table)
    for r, row in enumerate(out.cells):
        for c, shown in enumerate(row):
            assert shown.value is None or shown.value == table.cells[r][c].value
            assert (shown.value is None) == ((r, c) in hidden)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_row_or_column_with_a_shown_total_has_exactly_one_hidden_cell(table: Table) -> None:
    hidden = suppressed_keys(table)
    for parts, total in equations(table):
        unknown = [k for k in (*parts, total) if k in hidden]
        assert len(unknown) != 1


def test_one_small_cell_takes_a_partner_in_its_row_and_its_column() -> None:
    table = Table(
        (
            (_cell(10, 5), _cell(1, 1), _cell(12, 4)),
            (_cell(20, 6), _cell(30, 7), _cell(40, 8)),
            (_cell(25, 5), _cell(35, 6), _cell(9, 3)),
        )
    )
    out = release(table)
    assert out.cells[0][1].value is None
    row0 = [c.value for c in out.cells[0]]
    col1 = [out.cells[r][1].value for r in range(3)]
    assert row0.count(None) >= 2
    assert col1.count(None) >= 2
    # the totals still show: nothing in them covers fewer than 3 organisations
    assert out.grand_total is not None and out.grand_total.value == sum(c.value for row in table.cells for c in row)


def test_a_total_covering_two_organisations_is_hidden_too() -> None:
    table = Table(((_cell(1, 1, 0), _cell(1, 1, 1)),), row_totals=True, column_totals=False)
    out = release(table)
    assert [c.value for c in out.cells[0]] == [None, None]
    assert out.row_totals is not None and out.row_totals[0].value is None


def test_a_zero_cell_covers_no_organisation_and_is_hidden() -> None:
    table = Table(((_cell(9, 3), _cell(0, 0)), (_cell(7, 4), _cell(8, 3))))
    hidden = suppressed_keys(table)
    assert (0, 1) in hidden
    assert not _derivable(table, hidden)


def test_a_single_column_with_a_total_hides_two_rows() -> None:
    table = Table(((_cell(50, 6),), (_cell(2, 2),), (_cell(40, 5),)), row_totals=False)
    out = release(table)
    assert [r[0].value for r in out.cells].count(None) == 2
    assert out.column_totals is not None and out.column_totals[0].value == 92


def test_an_empty_table_releases_nothing() -> None:
    out = release(Table((), row_totals=True, column_totals=True))
    assert out.cells == () and out.grand_total is not None and out.grand_total.value is None
