"""Listing search on PostgreSQL alone: query (words and synonyms), facets (counts),
page (one page of results), suggest (did you mean), catalogue (cached lists).

Nothing here imports a model: querysets come in from the callers, so models may
use `search.query` without an import cycle."""
