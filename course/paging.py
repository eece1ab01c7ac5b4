"""Paging, for every area: a page of results for any SELECT (of entities or
of rows), the page number from the query string, and the address of
another page of the current one. Templates show it with the `pagination`
macro of macros.html."""
from dataclasses import dataclass

from flask import request
from sqlalchemy import func, select

from .extensions import db
from . import web  # (module import: web imports this module)


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.page * self.per_page, self.total)


def page_number(value) -> int:
    """A page number from the query string: anything odd means page 1."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= 1_000_000 else 1


def paginate(stmt, page: int, per_page: int, scalars: bool = True) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = result.scalars().all() if scalars else result.all()
    return Page(items, page, per_page, total)


def page_url(page: int) -> str:
    """The current page's address (its query string kept) at another page number.

    The query goes through url_with_query, never url_for's keywords, so a
    visitor's `_external` or `_method` stays an ordinary query value.
    """
    query = [("page", page)] + [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return web.url_with_query(request.endpoint, dict(request.view_args or {}), query)
