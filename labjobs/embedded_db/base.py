"""Django's PostgreSQL backend, pointed at the embedded server (started on first connect)."""

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper

from labjobs import devdb


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        # The socket directory is known only once the server runs: it is the data
        # folder, or a short path elsewhere when the checkout's path is too long.
        params["host"] = devdb.ensure_running()
        return params
