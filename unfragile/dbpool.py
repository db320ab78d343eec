"""Health checks for psycopg's pool that cost a round trip only when they can find something.

Django passes psycopg's `check_connection` to the pool when CONN_HEALTH_CHECKS is on: every
request that touches the database then pays an extra round trip to the server before its
first query, which was a third of what a cached versus page cost on PostgreSQL. A connection
handed back to the pool moments ago is as good as the request that used it found it, so
it is checked only after sitting idle for CHECK_AFTER_IDLE seconds: after a database restart
or a network cut every idle connection is checked (and dropped if broken) before a view gets
it. A connection broken within that second is found by the query that uses it: that request
gets the 503 page, and Django closes the connection instead of returning it to the pool.
"""

from __future__ import annotations

import time
import weakref

from psycopg import Connection
from psycopg_pool import ConnectionPool

CHECK_AFTER_IDLE = 1.0

_returned: weakref.WeakKeyDictionary[Connection, float] = weakref.WeakKeyDictionary()


def check(conn: Connection) -> None:
    """The pool's `check`: raises if the connection is broken, as check_connection does."""
    returned = _returned.get(conn)
    if returned is None or time.monotonic() - returned > CHECK_AFTER_IDLE:
        ConnectionPool.check_connection(conn)


def returned(conn: Connection) -> None:
    """The pool's `reset`: called when a connection comes back in a good state."""
    _returned[conn] = time.monotonic()
