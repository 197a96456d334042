"""Database backend for the embedded PostgreSQL: PostgreSQL's own, started on demand."""
