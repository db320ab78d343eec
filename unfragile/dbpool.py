"""Health checks for psycopg's pool that cost a round trip only when they can find something.

Django passes psycopg's `check_connection` to the pool when CONN_HEALTH_CHECKS is on: every
request that touches the database then pays an extra round trip to the server before its
first query, which was a third of what a cached versus page cost on PostgreSQL. A connection
taken from the pool moments ago is as good as the request that used it found it, so it is
checked only when it was last taken more than CHECK_AFTER_IDLE seconds ago (requests take
milliseconds, so it has sat idle for nearly all of that): after a database restart or a
network cut every idle connection is checked (and dropped if broken) before a view gets it.
A connection broken within that second is found by the query that uses it: that request
gets the 503 page, and Django closes the connection instead of returning it to the pool.

The time is noted as a connection is taken, not as it comes back: a `reset` callback would
make the pool hand every returned connection to its worker thread, and the next request
then waited for that thread (half a millisecond a request on PostgreSQL).
"""

from __future__ import annotations

import time
import weakref

from psycopg import Connection
from psycopg_pool import ConnectionPool

CHECK_AFTER_IDLE = 1.0

_taken: weakref.WeakKeyDictionary[Connection, float] = weakref.WeakKeyDictionary()


def check(conn: Connection) -> None:
    """The pool's `check`: raises if the connection is broken, as check_connection does."""
    now = time.monotonic()
    taken = _taken.get(conn)
    if taken is None or now - taken > CHECK_AFTER_IDLE:
        ConnectionPool.check_connection(conn)
    _taken[conn] = now
