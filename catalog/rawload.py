"""Model instances from plain SQL, for the pages rendered most often.

Building a statement through the ORM (resolving lookups, joins, the select list, converters)
cost the asset page more than running its statements did. `Columns` says which columns of
a model a statement selects, converts a row's values the way the ORM would (the database
backend's converters and the field's, e.g. JSON text into lists and dicts) and makes the
instance with `Model.from_db`, so fields left out are deferred exactly as with `.only()`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


class Columns:
    """Some concrete fields of a model, as selected under a table alias."""

    def __init__(self, model: type[models.Model], alias: str, *,
                 only: Iterable[str] = (), exclude: Iterable[str] = ()) -> None:
        only, exclude = set(only), set(exclude)
        self.model = model
        self.alias = alias
        self.fields = [
            f for f in model._meta.concrete_fields
            if (not only or f.name in only or f.attname in only)
            and f.name not in exclude and f.attname not in exclude
        ]
        self.attnames = tuple(f.attname for f in self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    @property
    def sql(self) -> str:
        q = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{q(f.column)}" for f in self.fields)

    @functools.cached_property
    def _converters(self) -> list[tuple[int, list, Any]]:
        found = []
        for i, field in enumerate(self.fields):
            col = field.get_col(self.alias)
            funcs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if funcs:
                found.append((i, funcs, col))
        return found

    def convert(self, values: Sequence[Any]) -> list[Any]:
        """These values (in `attnames` order) as the ORM would give them."""
        values = list(values)
        for i, funcs, col in self._converters:
            for func in funcs:
                values[i] = func(values[i], col, connection)
        return values

    def make(self, values: Sequence[Any]) -> models.Model | None:
        """The instance for these values (in `attnames` order); None when the primary key is
        NULL (a LEFT JOIN that found nothing)."""
        instance = self.model.from_db(connection.alias, self.attnames, self.convert(values))
        return None if instance.pk is None else instance
