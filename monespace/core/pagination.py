"""Pagination helpers."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A paginator told its total, counted already with the page's other figures (the state
    counts of a list, for instance): it never runs a second ``COUNT``.

    With ``related``, a page is read by a deferred join: the ids of the page are chosen first
    from the filtered, ordered rows alone (an index scan that stops at the page), and only those
    rows are then joined to ``related`` — instead of joining every matching row before the
    ``LIMIT``. One query either way."""

    def __init__(self, object_list: QuerySet, per_page: int, *, count: int, related=(), **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count
        self._related = tuple(related)

    @cached_property
    def count(self) -> int:
        return self._known_count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count) if self.count else bottom + self.per_page
        if not self._related:
            return self._get_page(self.object_list[bottom:top], number, self)
        rows = self.object_list
        ids = rows.values("pk")[bottom:top]
        page_rows = (
            rows.model._default_manager.filter(pk__in=ids)
            .select_related(*self._related)
            .order_by(*rows.query.order_by)
        )
        return self._get_page(page_rows, number, self)
