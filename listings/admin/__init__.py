"""The Django admin for listings, by domain: moderation (listings and the review
queue), labs (and their staff), catalogue (the lists searches use), applications."""

from . import applications, catalogue, labs, moderation

__all__ = ["applications", "catalogue", "labs", "moderation"]
