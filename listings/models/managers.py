"""Chainable reads over listings: `Listing.objects.public().search(q).with_card_data()`."""

from django.contrib.postgres.search import SearchRank, SearchVectorExact
from django.db import models
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Value, When
from django.db.models.functions import NullIf
from django.db.models.lookups import IsNull
from django.utils import timezone

from accounts.models import Membership
from listings.search.query import build_query, phrase_filter, repeated_phrase_filter

from .choices import VISIBLE_TO_ALL, ListingStatus
from .headline import ListingHeadline, best_headlines, best_headlines_among
from .labs import Lab

# Columns no listing card (or card in an email) shows: with_card_data leaves them out.
CARD_UNSHOWN = (
    "search_vector", "phrase_pairs", "facet_role_type_ids", "facet_certification_ids",
    "responsibilities", "skills", "benefits", "rejection_reason", "form_token",
    "duplicate_similarity",
)  # fmt: skip


class ListingQuerySet(models.QuerySet):
    """Chainable reads: `Listing.objects.public().search("phlebotomy").with_card_data()`."""

    def published(self):
        return self.filter(status=ListingStatus.PUBLISHED)

    def unexpired(self):
        return self.filter(expires_at__gt=timezone.now())

    def public(self):
        """Published and not past expiry: the only listings anonymous users may search."""
        return self.published().unexpired()

    def search(self, text: str, *, indexed: bool = True):
        """Listings matching `text` (websearch syntax: quotes, -word, or; synonyms
        included), by the stored, weighted search vector. Not `indexed`: the words
        are checked on the listings the other filters find, never looked up in the
        word index (for a place with far fewer listings than the words match:
        ListingFilter.filter_text)."""
        query = build_query(text)
        if query is None:
            return self
        if not indexed:
            # Written so that the planner neither looks it up in the word index nor
            # multiplies its guess by another condition's
            exact = ExpressionWrapper(
                Case(When(search_vector=query, then=Value(True)), default=Value(False)),
                BooleanField(),
            )
            return self.filter(exact)
        phrases = phrase_filter(text)  # phrases found by their word pairs first
        if phrases is None:
            return self.filter(search_vector=query)
        # The pairs find the candidates; the exact check runs on them. The pairs and
        # the phrase are nearly the same listings: 8% of pairs times a guessed 4% of
        # phrase matches made a common phrase look rare, and the plans chosen for
        # rare sets read 70,000 rows at a million. The check is written as a test
        # for NULL, which the planner guesses nearly every row meets (99.5%), and
        # which the word index cannot answer; a CASE, as above, halved the guess:
        # "informed consent" (6,853 listings at 100k) was planned at 3,078 and
        # counted exactly, not from a sample.
        matched = NullIf(SearchVectorExact(F("search_vector"), query), Value(False))
        return self.filter(phrases).filter(IsNull(matched, False))

    def ranked(self, query):
        """Best match first for a SearchQuery (`search.query.build_query`), newest on ties."""
        return self.annotate(rank=SearchRank(F("search_vector"), query, normalization=1)).order_by(
            "-rank", "-published_at", "-id"
        )

    def best_headlines(self, headline_query, limit: int) -> list[int]:
        """Ids of up to `limit` open listings whose title or role types match
        `headline_query` (`search.query.headline_query`) best: the candidates a broad
        search ranks on their full vectors. From the first entries of each of its
        words in the headline terms' index (models/headline.py), whatever this
        queryset's filters: callers intersect."""
        return best_headlines(headline_query, limit, using=self.db)

    def best_headlines_here(self, headline_query, limit: int) -> list[int]:
        """Ids of up to `limit` listings of this queryset, its filters applied, whose
        title or role types match `headline_query` best."""
        return best_headlines_among(
            headline_query, self.order_by().values("id"), limit, using=self.db
        )

    def repeating(self, phrases: list[str], times: int, up_to: int) -> list[int]:
        """Ids of up to `up_to` published listings with one of `phrases` (in a search's
        forms, `search.query.wanted_phrases`) at least `times` times (2 to 4), in no
        order, whatever this queryset's filters: callers intersect. From the pairs
        index (migration 0035)."""
        condition = repeated_phrase_filter(phrases, times)
        if condition is None:
            return []
        listings = self.model._default_manager.db_manager(self.db).published()
        return list(listings.filter(condition).order_by().values_list("id", flat=True)[:up_to])

    def headlines_with(self, query, up_to: int) -> int:
        """How many open listings (up to `up_to`) have `query` in their headline."""
        rows = ListingHeadline.objects.using(self.db).filter(
            headline_vector=query, expires_at__gt=timezone.now()
        )
        return rows.values("pk")[:up_to].count()

    def visible_to(self, user):
        """Listings whose page `user` may open.

        Everyone sees published ones, and closed or expired ones (marked as such); a
        lab's own staff also see its drafts, pending and rejected listings; admins
        see everything.
        """
        if user.is_authenticated and user.is_active and user.is_admin:
            return self
        visible = models.Q(status__in=VISIBLE_TO_ALL)
        if user.is_authenticated and user.is_active and user.is_lab_staff:
            # A subquery, not a join: a join through the lab's staff would repeat each
            # listing once per staff member.
            own = Lab.objects.filter(staff__user=user, staff__status=Membership.ACTIVE)
            visible |= models.Q(lab__in=own.values("pk"))
        return self.filter(visible)

    def of_lab(self, lab):
        return self.filter(lab=lab)

    def with_card_data(self, *, role_types: bool = True):
        """What a listing card shows, in a fixed number of queries, without the wide
        columns no card shows (the search vector alone is a third of a search page's
        time to load 20 rows). Without `role_types`, their ids and the required
        certifications' stay on the rows for the caller to name (`Listing.role_names`:
        the search page names them from its catalogue, one query and 1-1.5 ms less)."""
        cards = self.select_related("lab", "lab__institution")
        if role_types:
            return cards.prefetch_related("role_types").defer(*CARD_UNSHOWN)
        named = ("facet_role_type_ids", "facet_certification_ids")
        return cards.defer(*(name for name in CARD_UNSHOWN if name not in named))

    def with_page_data(self):
        """What a listing's own page (and its apply page) shows."""
        return self.select_related("lab__institution").prefetch_related(
            "role_types", "certifications"
        )

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def pending_review(self):
        """Submitted listings, oldest submission first (the moderation queue)."""
        return self.filter(status=ListingStatus.PENDING).order_by("submitted_at", "id")
