"""Cursor (keyset) pagination: stable under inserts, cheap at any depth."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from crewloom.errors import Unprocessable

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = None


class PageRequest(BaseModel):
    limit: int = 50
    cursor: str | None = None


def page_request(
    limit: Annotated[int, Query(ge=1, le=200, description="How many items at most")] = 50,
    cursor: Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")] = None,
) -> PageRequest:
    return PageRequest(limit=limit, cursor=cursor)


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def _decode(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError) as exc:
        raise Unprocessable({"field": "cursor", "message": "not a cursor from this list"}) from exc
    if not isinstance(values, list) or len(values) != 2:
        raise Unprocessable({"field": "cursor", "message": "not a cursor from this list"})
    return values


def _parse(python_type: type, value: Any) -> Any:
    if python_type is datetime:
        return datetime.fromisoformat(str(value))
    if python_type is uuid.UUID:
        return uuid.UUID(str(value))
    if python_type in (int, str):
        return python_type(value)
    raise TypeError(f"cannot page by a {python_type.__name__} column")


async def paginate(
    session: AsyncSession,
    statement: Select[Any],
    *,
    request: PageRequest,
    sort: InstrumentedAttribute[Any],
    tiebreak: InstrumentedAttribute[uuid.UUID],
    descending: bool = False,
) -> tuple[list[Any], str | None]:
    """Rows of ``statement`` after the cursor, ordered by (sort, tiebreak); returns the next cursor too."""
    if request.cursor:
        sort_value, tiebreak_value = _decode(request.cursor)
        try:
            after_tiebreak = uuid.UUID(str(tiebreak_value))
            after_sort = _parse(sort.type.python_type, sort_value)
        except (ValueError, TypeError) as exc:
            raise Unprocessable({"field": "cursor", "message": "not a cursor from this list"}) from exc
        beyond = (sort < after_sort) if descending else (sort > after_sort)
        tie = (tiebreak < after_tiebreak) if descending else (tiebreak > after_tiebreak)
        statement = statement.where(or_(beyond, and_(sort == after_sort, tie)))
    ordering = [sort.desc(), tiebreak.desc()] if descending else [sort.asc(), tiebreak.asc()]
    rows = list((await session.execute(statement.order_by(*ordering).limit(request.limit + 1))).scalars())
    if len(rows) <= request.limit:
        return rows, None
    rows = rows[: request.limit]
    last = rows[-1]
    return rows, _encode([getattr(last, sort.key), getattr(last, tiebreak.key)])
