"""The indexes of the listing table that the search page reads (listings/search):
words, phrases, facet counts, samples and sorts. Listing.Meta lists them."""

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F

from listings.search.catalogue import SAMPLE_WORD_BUCKETS

from .choices import ListingStatus as L

SEARCH_INDEXES = [
    # The words, and each listing's work mode as a word of its own (btree_gin): words
    # with a mode are found in one scan of this index, which skips through the
    # word's entries to the mode's, instead of two bitmaps combined ("python"
    # remote at a million: the word's 257,000 entries took 46 ms to list; its
    # ranking 84-105 -> 39-45 ms). Words alone read it as a word index. Of published
    # listings only, as every search is: a search's matches are then one bitmap,
    # not the word's combined with the published listings' of listing_status_expiry
    # (84,000 entries at 100k: "patient consent" ranked every match in 29 ms instead
    # of 40, by turns).
    GinIndex(
        fields=["search_vector", "work_mode"], name="listing_published_words",
        condition=models.Q(status=L.PUBLISHED),
    ),  # fmt: skip
    # The words of the listings in the first SAMPLE_WORD_BUCKETS sample buckets (6%):
    # a large search's sample looks its words up here, not among every listing's
    # entries ("patient consent" at a million: its counts 113-119 -> 15-16 ms;
    # search.counts.reads_buckets_first).
    GinIndex(
        fields=["search_vector"], name="listing_sample_words",
        condition=models.Q(sample_bucket__lt=SAMPLE_WORD_BUCKETS),
    ),  # fmt: skip
    GinIndex(
        fields=["phrase_pairs"], name="listing_phrase_pairs",
        condition=models.Q(status="published"),
    ),  # fmt: skip
    # Facet counts of a search without words read this narrow index only.
    models.Index(
        fields=["expires_at"],
        include=[
            "facet_role_type_ids", "compensation", "schedules", "work_mode", "levels",
            "facet_institution_id", "hours_min", "deadline", "published_at", "lab",
            "facet_certification_ids",
        ],
        name="listing_published_facets", condition=models.Q(status=L.PUBLISHED),
    ),
    # The sample of a large search (sample_bucket), with the columns of the facets
    # and filters: a search without words counts its sample from this index alone
    # (certifications, with their table, took 30 ms from the listings instead of
    # 3). Not partial: a broad search reads its buckets before any condition.
    models.Index(
        fields=["sample_bucket"],
        include=[
            "status", "expires_at", "facet_role_type_ids", "compensation",
            "schedules", "work_mode", "levels", "facet_institution_id", "hours_min",
            "deadline", "published_at", "lab", "facet_certification_ids",
        ],
        name="listing_sample",
    ),
    # The sorts of the search page, over published listings only.
    models.Index(
        F("published_at").desc(), F("id").desc(),
        name="listing_published_newest", condition=models.Q(status=L.PUBLISHED),
    ),
    models.Index(
        F("deadline").asc(nulls_last=True), F("published_at").desc(), F("id").desc(),
        name="listing_published_deadline", condition=models.Q(status=L.PUBLISHED),
    ),
    models.Index(
        F("pay_rate").desc(nulls_last=True), F("published_at").desc(), F("id").desc(),
        name="listing_published_pay", condition=models.Q(status=L.PUBLISHED),
    ),
    # Words and a facet together ("python", remote): PostgreSQL combines these
    # with the word index (BitmapAnd) instead of reading every listing with the
    # word (114 ms -> 8 ms at 100k). Not partial: a partial index would also
    # serve as a list of every published listing, which the planner then
    # combines in, at a cost. None on compensation: each of its four options is
    # a quarter of the board, and the planner combined that quarter's bitmap with
    # a narrow filter's (an institution's 1,400 listings of a million: 52-67 ms
    # building it, 4 ms reading the institution's listings; "zebrafish" credit:
    # 140 -> 77 ms). No search of the benchmark read faster with it.
    *(
        models.Index(fields=[field], name=f"listing_{short}")
        for field, short in (("work_mode", "mode"), ("facet_institution_id", "institution"))
    ),
    *(
        GinIndex(fields=[field], name=f"listing_{short}")
        for field, short in (("facet_role_type_ids", "roles"), ("schedules", "schedules"),
                             ("levels", "levels"))
    ),
]  # fmt: skip
