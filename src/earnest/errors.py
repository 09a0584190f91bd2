"""Every error earnest raises on purpose.

::

    EarnestError
    ├── ConfigError            settings that cannot work (bad URL, missing dataset)
    │   ├── AuthenticationFailed   a server refused the user or password of its URL
    │   └── SourceRefused      a source's server refuses what it is asked (a private subreddit)
    ├── ModelError             model artifact missing, unreadable or incompatible
    ├── BackendError           a bus or store failed; the operation may be retried
    │   ├── BackendUnavailable the server is unreachable (retry with backoff)
    │   │   └── ConnectionLost     an open connection broke (what was in flight is unknown)
    │   └── DataRejected       the backend refused the data itself (retrying cannot help)
    ├── NotFound               a requested thing does not exist (API: 404)
    └── StateConflict          a change the current state forbids (API: 409)

Driver errors (sqlite3, psycopg, aio-pika) are translated at the backend's edge
with ``raise ... from exc``; nothing above a backend sees them.
"""


class EarnestError(Exception):
    """Base class: the message says what went wrong and what to do."""


class ConfigError(EarnestError):
    pass


class AuthenticationFailed(ConfigError):
    """The server refused the login: waiting will not help, fixing the URL will."""


class SourceRefused(ConfigError):
    """A source's server refuses what it was asked for: asking again will not help,
    changing what is asked will."""


class ModelError(EarnestError):
    pass


class BackendError(EarnestError):
    pass


class BackendUnavailable(BackendError):
    def __init__(self, message: str, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConnectionLost(BackendUnavailable):
    """A connection that was open broke (e.g. the server restarted since its last use)."""


class DataRejected(BackendError):
    """The backend refused the data (a constraint, a value it cannot hold): the same
    data would be refused again, so the record responsible is dead-lettered."""


class NotFound(EarnestError):
    pass


class StateConflict(EarnestError):
    """A change that the current state does not allow (promoting the live model,
    retiring it, a second promotion at once); the message says what to do instead."""
