"""Advisory responses, and the audience an advisory version was released to."""

from __future__ import annotations

from sqlalchemy import Connection, select

from lionrock.access.advisories import Answer
from lionrock.access.model import Audience
from lionrock.store.schema import advisory_responses as responses
from lionrock.store.schema import audience as audience_table

_COLUMNS = (
    responses.c.org_id,
    responses.c.acknowledged_at,
    responses.c.exposure,
    responses.c.note,
    responses.c.updated_at,
)


def answers(conn: Connection, advisory_id: str, org_id: int | None = None) -> list[Answer]:
    """Every answer to an advisory, or one organisation's."""
    q = select(*_COLUMNS).where(responses.c.advisory_id == advisory_id)
    if org_id is not None:
        q = q.where(responses.c.org_id == org_id)
    return [Answer(*row) for row in conn.execute(q.order_by(responses.c.org_id))]


def answers_by(conn: Connection, org_id: int, advisory_ids: list[str]) -> dict[str, Answer]:
    """One organisation's answers to several advisories."""
    if not advisory_ids:
        return {}
    q = select(responses.c.advisory_id, *_COLUMNS).where(
        responses.c.org_id == org_id, responses.c.advisory_id.in_(advisory_ids)
    )
    return {row[0]: Answer(*row[1:]) for row in conn.execute(q)}


def save_answer(conn: Connection, advisory_id: str, answer: Answer, exists: bool) -> None:
    values = {
        "acknowledged_at": answer.acknowledged_at,
        "exposure": answer.exposure,
        "note": answer.note,
        "updated_at": answer.updated_at,
    }
    if exists:
        conn.execute(
            responses.update()
            .where(responses.c.advisory_id == advisory_id, responses.c.org_id == answer.org_id)
            .values(**values)
        )
    else:
        conn.execute(responses.insert().values(advisory_id=advisory_id, org_id=answer.org_id, **values))


def audience_of(conn: Connection, object_pk: int, community: bool) -> Audience:
    """The audience one stored version was released to."""
    rows = conn.execute(
        select(audience_table.c.org_id, audience_table.c.group_id).where(audience_table.c.object_pk == object_pk)
    ).all()
    return Audience(
        community,
        frozenset(g for _, g in rows if g is not None),
        frozenset(o for o, _ in rows if o is not None),
    )
