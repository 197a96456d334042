"""Full-text search: ranking, synonyms, accents, websearch syntax, filters, triggers."""

import pytest
from django.urls import reverse

from listings.models import Lab, Listing, RoleType, SearchSynonym
from listings.search.catalogue import forget_catalogue
from listings.search.query import headline_query, query_variants
from tests.support.factories import (
    LabFactory,
    PendingListingFactory,
    PublishedListingFactory,
    role_type,
)

pytestmark = pytest.mark.django_db
URL = reverse("listings:listing_list")


def found(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return [listing.title for listing in response.context["result"].listings]


def test_phlebotomy_ranks_phlebotomist_listings_first(client):
    PublishedListingFactory(
        title="Research assistant, hematology",
        description="Occasional help with phlebotomy alongside data entry.",
    )
    PublishedListingFactory(
        title="Student Phlebotomist, outpatient clinic",
        role_types=[role_type("phlebotomist")],
        description="Draw blood and handle specimens.",
    )
    PublishedListingFactory(title="Data analyst", description="R and Python.")
    titles = found(client, q="phlebotomy")
    assert titles == ["Student Phlebotomist, outpatient clinic", "Research assistant, hematology"]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("blood draw", "Student Phlebotomist"),
        ('"blood draw"', "Student Phlebotomist"),
        ("RA", "Undergraduate Research Assistant"),
        ("CRC", "Clinical Research Coordinator"),
        ("histotech", "Histology Technician"),
        ("BLS", "Basic Life Support instructor aide"),
        ("PI", "Assistant to the principal investigator"),
    ],
)
def test_students_words_find_the_listings_words(client, query, title):
    for each in [
        "Student Phlebotomist",
        "Undergraduate Research Assistant",
        "Clinical Research Coordinator",
        "Histology Technician",
        "Basic Life Support instructor aide",
        "Assistant to the principal investigator",
    ]:
        PublishedListingFactory(title=each, description="Lab work.")
    assert title in found(client, q=query)


def test_admin_edited_synonym_applies_at_once(client, superuser):
    PublishedListingFactory(title="Flow cytometry technician")
    assert found(client, q="FACS") == []
    client.force_login(superuser)
    response = client.post(
        reverse("admin:listings_searchsynonym_add"),
        {"term": "FACS", "equivalent": "flow cytometry"},
    )
    assert response.status_code == 302
    assert found(client, q="FACS") == ["Flow cytometry technician"]


def test_accents_and_case_never_matter(client):
    PublishedListingFactory(title="Hématologie research aide")
    PublishedListingFactory(title="Hematology lab technician")
    assert len(found(client, q="HEMATOLOGIE")) == 1
    assert len(found(client, q="hématology")) == 1
    assert len(found(client, q="Hematology")) == 1


def test_synonyms_are_accent_blind_and_negation_takes_them_along(client):
    PublishedListingFactory(title="Student Phlebotomist", description="Draw blood in clinic.")
    PublishedListingFactory(title="Blood draw aide", description="Weekend laboratory shifts.")
    PublishedListingFactory(title="Laboratory assistant", description="Sample intake.")
    # The cases: accents on the synonym, and a negated synonym.
    assert sorted(found(client, q="phlébotomy")) == sorted(found(client, q="phlebotomy"))
    assert len(found(client, q="phlébotomy")) == 2
    assert found(client, q="laboratory -phlebotomy") == ["Laboratory assistant"]
    assert found(client, q="laboratory -PHLÉBOTOMIST") == ["Laboratory assistant"]


def test_a_city_in_the_words_searches_that_city(client):
    """ "phlebotomist boston" and "boston" used to find nothing: city names are not in
    the listings' text. A city of LabJobs' labs among the words is the city filter,
    shown, and the student can search everywhere instead."""
    boston = LabFactory(city="Boston", name="Beacon Lab")
    PublishedListingFactory(lab=boston, title="Student Phlebotomist")
    PublishedListingFactory(lab=boston, title="Research assistant")
    PublishedListingFactory(lab=LabFactory(city="Chicago"), title="Phlebotomist, Loop clinic")

    assert found(client, q="phlebotomist boston") == ["Student Phlebotomist"]
    assert sorted(found(client, q="BOSTON")) == ["Research assistant", "Student Phlebotomist"]
    page = client.get(URL, {"q": "phlebotomist boston"}).content.decode()
    assert "Showing listings in <strong>Boston</strong>" in page
    assert "anywhere=1" in page  # the way to take the place back out
    # Searching everywhere, or quoting it, keeps it a word: no listing says "boston".
    everywhere = client.get(URL, {"q": "phlebotomist boston", "anywhere": "1"})
    assert everywhere.context["result"].unknown_words == ["boston"]  # partial matches
    assert found(client, q='phlebotomist "boston"') == []


def test_when_no_listing_has_every_word_the_others_find_their_best_matches(client):
    PublishedListingFactory(title="Student Phlebotomist", description="Outpatient clinic.")
    PublishedListingFactory(title="Data analyst", description="R and Python.")

    response = client.get(URL, {"q": "phlebotomist zxqv"})

    result = response.context["result"]
    assert [row.title for row in result.listings] == ["Student Phlebotomist"]
    assert result.unknown_words == ["zxqv"]
    page = response.content.decode()
    assert "No open listing mentions <strong>zxqv</strong>" in page
    api = client.get(reverse("listings:api_listings"), {"q": "phlebotomist zxqv"}).json()
    assert (api["unknown_words"], api["searched_for"], api["total"]) == (
        ["zxqv"],
        "phlebotomist",
        1,
    )
    # Every word unknown, or a single word: nothing to fall back on.
    assert found(client, q="zxqv qwzx") == [] and found(client, q="zxqv") == []


def test_up_to_exact_rank_max_matches_every_match_is_ranked(client, monkeypatch):
    """The best match comes first even when it is the oldest: with few enough matches
    every one is ranked, not only the newest candidates."""
    from datetime import timedelta

    from django.utils import timezone

    import listings.search.page
    import listings.search.ranking

    now = timezone.now()
    PublishedListingFactory(title="Zebrafish zebrafish husbandry", description="Zebrafish.",
                            published_at=now - timedelta(days=20))  # fmt: skip
    for n in range(21):  # more newer matches than the bounded way looks at on page 1
        PublishedListingFactory(title=f"Lab aide {n}", description="Some zebrafish work.",
                                published_at=now - timedelta(hours=n))  # fmt: skip

    assert found(client, q="zebrafish")[0] == "Zebrafish zebrafish husbandry"
    # A broad search (more matches than EXACT_RANK_MAX) ranks the newest matches and
    # the best headline matches: the old listing titled with the word still comes first.
    monkeypatch.setattr(listings.search.ranking, "EXACT_RANK_MAX", 0)
    monkeypatch.setattr(listings.search.ranking, "RANK_CANDIDATES", 20)
    assert found(client, q="zebrafish")[0] == "Zebrafish zebrafish husbandry"
    # With no headline candidates (words found only in descriptions) and few enough
    # matches (BODY_RANK_MAX), every match is ranked again.
    monkeypatch.setattr(listings.search.ranking, "HEADLINE_CANDIDATES", 0)
    assert found(client, q="zebrafish")[0] == "Zebrafish zebrafish husbandry"
    # With neither, only the newest 20 would be ranked.
    monkeypatch.setattr(listings.search.ranking, "BODY_RANK_MAX", 0)
    assert "Zebrafish zebrafish husbandry" not in found(client, q="zebrafish")


def test_words_in_many_titles_but_never_together_rank_every_match(client, monkeypatch):
    """ "patient consent": "patient" is in many titles and "consent" in others, yet no
    title has both; the best match has both, often, in a short description. The
    headline candidates (titles with either word) miss it, so every match is ranked."""
    from datetime import timedelta

    from django.utils import timezone

    import listings.search.page
    import listings.search.ranking

    now = timezone.now()
    PublishedListingFactory(
        title="Clinic aide", published_at=now - timedelta(days=30),
        description="Patient consent: obtain patient consent, file each patient's consent.",
    )  # fmt: skip
    wards = "Wheelchairs; a consent form on arrival, and more duties than fit in a line."
    records = "Paperwork for each patient, filed in records, with other tasks in a long text."
    for n in range(11):  # 22 newer matches: more than the first page's newest candidates
        age = now - timedelta(hours=n)
        PublishedListingFactory(title=f"Patient transport {n}", published_at=age, description=wards)
        PublishedListingFactory(title=f"Consent clerk {n}", published_at=age, description=records)
    for name, value in (("EXACT_RANK_MAX", 0), ("RANK_CANDIDATES", 2),
                        ("HEADLINE_CANDIDATES", 3), ("HEADLINE_FEW", 3)):  # fmt: skip
        monkeypatch.setattr(listings.search.ranking, name, value)

    assert found(client, q="patient consent")[0] == "Clinic aide"
    # Ranked on the headline candidates and the newest only, it would be missed.
    monkeypatch.setattr(listings.search.ranking, "BODY_RANK_MAX", 0)
    assert "Clinic aide" not in found(client, q="patient consent")


def remote_zebrafish_board(monkeypatch, *, on_site, remote):
    """Three on-site listings with the fields `on_site` (titles numbered), an old
    remote listing with the fields `remote`, and 21 newer remote listings with
    "zebrafish" once in a long description; the ranking's thresholds scaled down to
    this board (3 headline candidates, 20 newest): the on-site titles are its best."""
    from datetime import timedelta

    from django.utils import timezone

    import listings.search.ranking

    now = timezone.now()
    for n in range(3):
        PublishedListingFactory(**{**on_site, "title": f"{on_site['title']} {n}"},
                                work_mode="on_site")  # fmt: skip
    PublishedListingFactory(**remote, work_mode="remote",
                            published_at=now - timedelta(days=30))  # fmt: skip
    for n in range(21):
        PublishedListingFactory(title=f"Data aide {n}", work_mode="remote", description="A long "
                                "list of many duties, among them some zebrafish records work.",
                                published_at=now - timedelta(hours=n))  # fmt: skip
    for name, value in (("EXACT_RANK_MAX", 0), ("RANK_CANDIDATES", 20),
                        ("HEADLINE_CANDIDATES", 3), ("HEADLINE_FEW", 3)):  # fmt: skip
        monkeypatch.setattr(listings.search.ranking, name, value)


def test_when_the_filters_leave_few_headline_matches_every_match_is_ranked(client, monkeypatch):
    """The headline candidates are found before the filters: when a filter (remote)
    leaves few of them, the best remote match is not among the candidates, so every
    remote match is ranked."""
    import listings.search.ranking

    remote_zebrafish_board(
        monkeypatch, on_site={"title": "Zebrafish technician"},
        remote={"title": "Aquatics aide", "description": "Zebrafish zebrafish zebrafish."},
    )  # fmt: skip

    ranked = []  # what page_ids ranks: the filter keeps few of the best headlines,
    real_ranked = listings.search.ranking._ranked  # counted first, so the candidates are
    monkeypatch.setattr(  # never ranked only to be dropped
        listings.search.ranking, "_ranked", lambda kind, *args: ranked.append(kind)
        or real_ranked(kind, *args),
    )  # fmt: skip
    assert found(client, q="zebrafish", mode="remote")[0] == "Aquatics aide"
    assert ranked == ["every"]
    monkeypatch.setattr(listings.search.ranking, "BODY_RANK_MAX", 0)
    assert "Aquatics aide" not in found(client, q="zebrafish", mode="remote")


def test_too_many_matches_to_rank_each_take_the_best_headlines_the_filters_leave(
    client, monkeypatch
):
    """Above BODY_RANK_MAX matches every match is never ranked. When the filters
    (remote) leave few of the board's best headlines, the best headlines among the
    search's own matches are the candidates instead: the old remote listing titled
    with the word comes first, though the board's best titles are on site."""
    import listings.search.ranking

    remote_zebrafish_board(
        monkeypatch,
        on_site={"title": "Zebrafish zebrafish technician", "description": "Zebrafish."},
        remote={"title": "Zebrafish aquarist", "description": "Zebrafish care, remote records."},
    )  # fmt: skip
    monkeypatch.setattr(listings.search.ranking, "BODY_RANK_MAX", 0)
    board_best = Listing.objects.public().best_headlines(headline_query("zebrafish"), 3)
    assert set(Listing.objects.filter(id__in=board_best).values_list("work_mode", flat=True)) == {
        "on_site"
    }

    assert found(client, q="zebrafish", mode="remote")[0] == "Zebrafish aquarist"
    assert found(client, q="zebrafish")[0].startswith("Zebrafish zebrafish technician")


def test_a_state_or_an_institution_in_the_words_filters_by_it(client):
    texas = LabFactory(city="Austin", region="TX", institution__name="Pacific State University",
                       institution__slug="pacific-state")  # fmt: skip
    PublishedListingFactory(lab=texas, title="Phlebotomy aide")
    PublishedListingFactory(lab=LabFactory(city="Chicago", region="IL"), title="Phlebotomy tech")
    # A lab may write its state out: the filter finds it by its code too.
    spelled_out = LabFactory(city="Houston", region="texas", institution__slug="bayou")
    PublishedListingFactory(lab=spelled_out, title="Specimen courier")
    assert sorted(found(client, state="TX")) == ["Phlebotomy aide", "Specimen courier"]

    for words in ("phlebotomy texas", "phlebotomy TX", "phlebotomy pacific state",
                  "Pacific State University phlebotomy"):  # fmt: skip
        assert found(client, q=words) == ["Phlebotomy aide"], words
    # "tx" in lower case, "or" and a quoted state stay words.
    assert len(found(client, q="phlebotomy or tx")) == 2
    understood = client.get(reverse("listings:api_listings"), {"q": "phlebotomy texas"}).json()
    assert understood["understood"] == {"state": "Texas"}
    page = client.get(URL, {"q": "phlebotomy pacific state"}).content.decode()
    assert "Showing listings at <strong>Pacific State University</strong>" in page


def test_websearch_syntax(client):
    PublishedListingFactory(title="PCR testing technician", description="Run PCR panels.")
    PublishedListingFactory(title="Sequencing assistant", description="Tumour sequencing.")
    PublishedListingFactory(title="PCR and sequencing", description="Both.")
    assert len(found(client, q="pcr or sequencing")) == 3
    assert found(client, q="pcr -sequencing") == ["PCR testing technician"]
    assert found(client, q='"run pcr panels"') == ["PCR testing technician"]


def test_only_public_listings_are_searched(client):
    PublishedListingFactory(title="Phlebotomist open")
    PendingListingFactory(title="Phlebotomist pending")
    from tests.support.factories import ClosedListingFactory, PastExpiryListingFactory

    ClosedListingFactory(title="Phlebotomist closed")
    PastExpiryListingFactory(title="Phlebotomist past expiry")
    assert found(client, q="phlebotomist") == ["Phlebotomist open"]


def test_search_vector_follows_role_types_labs_and_institutions(client):
    listing = PublishedListingFactory(title="Assistant", role_types=[role_type("data-analyst")])
    assert found(client, q="analyst") == ["Assistant"]
    listing.role_types.set([role_type("phlebotomist")])
    assert found(client, q="analyst") == []
    assert found(client, q="phlebotomist") == ["Assistant"]
    RoleType.objects.filter(slug="phlebotomist").update(name="Venesection Specialist")
    role = RoleType.objects.get(slug="phlebotomist")
    role.save()  # the trigger fires on an UPDATE OF name
    assert found(client, q="venesection") == ["Assistant"]
    lab = Lab.objects.get(pk=listing.lab_id)
    lab.name = "Zebrafish Genetics Lab"
    lab.save()
    assert found(client, q="zebrafish") == ["Assistant"]
    lab.institution.name = "Tallgrass University"
    lab.institution.save()
    assert found(client, q="tallgrass") == ["Assistant"]
    listing.refresh_from_db()
    assert "A" in str(listing.search_vector) and "B" in str(listing.search_vector)


def test_snippets_highlight_matches_and_escape_listing_text(client):
    PublishedListingFactory(
        title="Phlebotomy aide",
        description="<script>alert(1)</script> Tom & Jerry's phlebotomy <b>daily</b>.",
    )
    response = client.get(URL, {"q": "phlebotomy"})
    snippet = str(response.context["result"].listings[0].snippet)
    assert "<mark>phlebotomy</mark>" in snippet
    assert "Jerry&#x27;s" in snippet  # escaped, not raw
    assert "<script" not in snippet and "<b>" not in snippet
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_query_variants():
    pairs = [("blood draw", "phlebotomy"), ("RA", "research assistant")]
    assert query_variants("blood draw clinic", pairs) == [
        "blood draw clinic",
        "phlebotomy clinic",
    ]
    assert query_variants("RA -volunteer", pairs) == [
        "RA -volunteer",
        '"research assistant" -volunteer',
    ]
    assert query_variants('"RA" summer', pairs) == ['"RA" summer', '"research assistant" summer']
    # A negated word takes its synonyms with it, in every variant.
    assert query_variants("-RA paid", pairs) == ['-RA -"research assistant" paid']
    assert query_variants('-"blood draw" lab', pairs) == ['-"blood draw" -phlebotomy lab']
    # Inside a negated phrase, each synonym is swapped in and excluded too, never
    # offered as an alternative (which would exclude less).
    assert query_variants('aide -"RA duties"', pairs) == [
        'aide -"RA duties" -"research assistant duties"'
    ]
    assert query_variants('-"senior RA" x', pairs) == [
        '-"senior RA" -"senior research assistant" x'
    ]
    assert query_variants('x -"senior RA', pairs) == [  # left open: closed first
        'x -"senior RA" -"senior research assistant"'
    ]
    assert query_variants("BRAIN", pairs) == ["BRAIN"]  # whole words only
    assert query_variants("x-ray co-RA", pairs) == ["x-ray co-RA"]  # not inside a word
    # Accents and case on either side do not matter.
    assert query_variants("BLOOD DRÄW", [("Blood draw", "Phlébotomy")]) == [
        "BLOOD DRÄW", "Phlébotomy",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"comp": "paid"}, {"paid"}),
        ({"comp": ["paid", "credit"]}, {"paid", "credit"}),
        ({"schedule": "evenings"}, {"evenings"}),
        ({"mode": "remote"}, {"remote"}),
        ({"level": "ms3"}, {"ms3"}),
        ({"city": "chicago"}, {"chicago"}),
        ({"hours_max": "8"}, {"few-hours"}),
        ({"certs": "none"}, {"no-certs"}),
        ({"deadline_within": "10"}, {"soon"}),
        ({"posted_within": "3"}, {"fresh"}),
    ],
)
def test_each_filter(client, params, expected):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from listings.models import Certification

    neutral = {
        "hours_min": 12,
        "hours_max": 20,
        "published_at": timezone.now() - timedelta(days=20),
        "deadline": None,
    }
    variations = {
        "paid": {"compensation": "paid", "pay_rate": Decimal("18")},
        "credit": {"compensation": "credit"},
        "evenings": {"schedules": ["evenings"]},
        "remote": {"work_mode": "remote"},
        "ms3": {"levels": ["ms3"]},
        "chicago": {"lab": LabFactory(city="Chicago")},
        "few-hours": {"hours_min": 4, "hours_max": 8},
        "soon": {"deadline": timezone.localdate() + timedelta(days=5)},
        "fresh": {"published_at": timezone.now() - timedelta(days=1)},
        "no-certs": {},
    }
    hipaa = Certification.objects.get(slug="hipaa")
    for title, fields in variations.items():
        listing = PublishedListingFactory(title=title, **{**neutral, **fields})
        if title != "no-certs":
            listing.certifications.add(hipaa)
    assert set(found(client, **params)) == expected


def test_certs_lists_listings_needing_only_what_the_student_holds(client):
    from listings.models import Certification

    def needs(title, *slugs):
        listing = PublishedListingFactory(title=title)
        listing.certifications.set(Certification.objects.filter(slug__in=slugs))

    needs("none")
    needs("bls", "bls-cpr")
    needs("bls+hipaa", "bls-cpr", "hipaa")
    assert set(found(client, certs="bls-cpr")) == {"none", "bls"}
    assert set(found(client, certs=["bls-cpr", "hipaa"])) == {"none", "bls", "bls+hipaa"}
    assert set(found(client, certs="none")) == {"none"}


def test_each_listing_keeps_its_certifications_ids_through_every_change(client):
    """The certs filter reads the listing's copy of its certifications' ids (migration
    0027): adding, setting, removing and clearing them, and deleting a certification,
    keep it equal to the listing's certifications; the filter follows."""
    from listings.models import Certification

    bls, hipaa = (Certification.objects.get(slug=s) for s in ("bls-cpr", "hipaa"))
    listing = PublishedListingFactory(title="changing")

    def kept():
        listing.refresh_from_db()
        required = sorted(listing.certifications.values_list("id", flat=True))
        assert listing.facet_certification_ids == required
        return set(found(client, certs="bls-cpr"))

    assert kept() == {"changing"}
    listing.certifications.add(hipaa)
    assert kept() == set()
    listing.certifications.set([bls])
    assert kept() == {"changing"}
    listing.certifications.add(hipaa)
    listing.certifications.remove(hipaa)
    assert kept() == {"changing"}
    listing.certifications.clear()
    assert kept() == {"changing"} and found(client, certs="none") == ["changing"]
    listing.certifications.set([bls, hipaa])
    gone = hipaa.pk
    hipaa.delete()  # its listings need it no longer
    forget_catalogue()
    assert kept() == {"changing"}
    assert not Listing.objects.filter(facet_certification_ids__contains=[gone]).exists()


def test_sorts(client):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    today = timezone.localdate()
    PublishedListingFactory(title="late", deadline=today + timedelta(days=30))
    PublishedListingFactory(title="rolling", deadline=None)
    PublishedListingFactory(title="soon", deadline=today + timedelta(days=3))
    PublishedListingFactory(title="rich", compensation="paid", pay_rate=Decimal("30"))
    PublishedListingFactory(title="modest", compensation="paid", pay_rate=Decimal("16"))
    by_deadline = found(client, sort="deadline")
    assert by_deadline.index("soon") < by_deadline.index("late") < by_deadline.index("rolling")
    assert found(client, sort="pay")[:2] == ["rich", "modest"]
    assert found(client, sort="newest")[0] == "modest"  # the last one made is the newest


def test_counted_totals_above_the_cap_show_in_full_and_pages_stop_at_the_cap(client, monkeypatch):
    import listings.search.page
    import listings.search.ranking

    monkeypatch.setattr(listings.search.page, "COUNT_CAP", 5)
    monkeypatch.setattr(listings.search.ranking, "COUNT_CAP", 5)
    PublishedListingFactory.create_batch(7)
    response = client.get(URL)
    result = response.context["result"]
    assert result.total_is_capped and result.total == 5  # pages reach the first 5
    assert "7 open listings" in response.content.decode()
    # The API's total stays within the pages it can serve.
    data = client.get(reverse("listings:api_listings")).json()
    assert data["total"] == 5 and data["total_is_capped"] is True


def test_synonyms_are_seeded():
    assert SearchSynonym.objects.filter(term="blood draw", equivalent="phlebotomy").exists()
    forget_catalogue()


def test_did_you_mean_comes_from_the_listings_own_words(client, django_assert_max_num_queries):
    from listings.search.suggest import refresh_search_words

    PublishedListingFactory(title="Student phlebotomy aide", description="Outpatient clinic work.")
    refresh_search_words()
    # The search, a word each to find which are unknown, the words the database
    # ignores, the suggestion and its check
    with django_assert_max_num_queries(7):
        response = client.get(URL, {"q": "flebotomy clinc"})
    assert response.context["result"].total == 0
    assert response.context["result"].suggestion == "phlebotomy clinic"
    page = response.content.decode()
    assert "Did you mean" in page and 'href="?q=phlebotomy+clinic&amp;page=1"' in page
    assert found(client, q="phlebotomy clinic") == ["Student phlebotomy aide"]
    api = client.get(reverse("listings:api_listings"), {"q": "flebotomy"}).json()
    assert api["suggestion"] == "phlebotomy"
    # Nothing to suggest: known words, negated words, or nothing close enough.
    assert client.get(URL, {"q": "phlebotomy -clinic"}).context["result"].suggestion == ""
    assert client.get(URL, {"q": "xyzzyq"}).context["result"].suggestion == ""


def test_a_suggestion_is_offered_only_if_it_finds_something(client):
    """Every word of "flebotomy evening" has a close known word, but with the filters
    chosen the rewrite would find nothing: no suggestion then."""
    from listings.search.suggest import refresh_search_words

    PublishedListingFactory(title="Phlebotomy aide, evening shifts", compensation="paid",
                            pay_rate=17)  # fmt: skip
    refresh_search_words()

    def suggestion(**params):
        return client.get(URL, params).context["result"].suggestion

    assert suggestion(q="flebotomy evenng") == "phlebotomy evening"
    assert suggestion(q="flebotomy evenng", comp="volunteer") == ""


def test_a_real_words_neighbour_is_no_suggestion(client):
    """ "stroke" was offered "strong", "flu" "fluid", "liver" "river": close words of
    the listings', not what the student meant. A one-letter typo of a short word still
    is ("pyton", "clinc"), as are two letters swapped ("histolgoy")."""
    from listings.search.suggest import refresh_search_words

    PublishedListingFactory(
        title="Python data aide, histology clinic",
        description="Strong skills. Fluid schedule. Lunch provided. River campus.",
    )
    refresh_search_words()

    def suggestion(q):
        return client.get(URL, {"q": q}).context["result"].suggestion

    for real_word in ["stroke", "flu", "lung", "liver"]:
        assert suggestion(real_word) == "", real_word
    assert suggestion("pyton") == "python"
    assert suggestion("clinc") == "clinic"
    assert suggestion("histolgoy") == "histology"
    assert suggestion("flebotomy histolgy") == ""  # no word here is close to "flebotomy"


@pytest.mark.parametrize(
    ("one", "other", "edits"),
    [("pyton", "python", 1), ("histolgoy", "histology", 1), ("ab", "ba", 1),
     ("stroke", "strong", 2), ("flu", "fluid", 2), ("kitten", "sitting", 3),
     ("abc", "ca", 3), ("", "abc", 3), ("same", "same", 0)],
)  # fmt: skip
def test_edits_count_letters_and_swapped_neighbours(one, other, edits):
    from listings.search.suggest import _edits

    assert _edits(one, other) == edits == _edits(other, one)


def test_did_you_mean_learns_only_from_what_search_can_return(client):
    """Words of unapproved labs' names, and of expired, pending or draft listings,
    never become suggestions (they would leak unpublished text, and find nothing)."""
    from listings.search.suggest import refresh_search_words
    from tests.support.factories import PastExpiryListingFactory

    PublishedListingFactory(title="Hematology aide", lab=LabFactory(name="Quixotica Lab"))
    Lab.objects.filter(name="Quixotica Lab").update(approved=False)
    PastExpiryListingFactory(title="Zebrafish husbandry assistant")
    PendingListingFactory(title="Xenotransplantation coordinator")
    PublishedListingFactory(title="Outpatient phlebotomy aide")
    refresh_search_words()

    def suggestion(q):
        return client.get(URL, {"q": q}).context["result"].suggestion

    assert suggestion("flebotomy") == "phlebotomy"
    assert suggestion("quixotika") == ""
    assert suggestion("zebrafesh") == ""
    assert suggestion("xenotransplantasion") == ""


def test_snippets_are_the_rendered_text_cut_at_words_with_ellipses(client):
    """No Markdown syntax in a snippet, and "…" where text was left out."""
    PublishedListingFactory(
        title="Molecular lab aide",
        description="**What you will learn** - pipetting and sterile technique\n\n"
        + "You will prepare buffers and label tubes for the team. " * 6
        + "Every week you run *PCR* panels on patient samples with a senior technician. "
        + "Afterwards you log results in the lab notebook and clean the bench. " * 6,
    )
    [listing] = client.get(URL, {"q": "pcr"}).context["result"].listings
    snippet = str(listing.snippet)
    assert "<mark>PCR</mark>" in snippet
    assert "**" not in snippet and "*PCR*" not in snippet and " - " not in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    # A match at the very start: nothing left out before it.
    PublishedListingFactory(title="Flow aide", description="Cytometry runs daily. Then more.")
    [flow] = client.get(URL, {"q": "cytometry"}).context["result"].listings
    assert str(flow.snippet).startswith("<mark>Cytometry</mark>")


def test_snippet_markers_typed_into_a_listing_never_unbalance_the_highlight(client):
    """U+E000 and U+E001 mark matches in snippets; a listing that contains them must
    not open or close <mark> tags in the results (stripped on save, paired on render)."""
    from listings.search.snippets import highlight

    listing = PublishedListingFactory(description="Phlebotomy \ue000rounds\ue001 daily")
    listing.full_clean()
    assert "\ue000" not in listing.description and "\ue001" not in listing.description
    # Rows saved before the stripping: the highlight pairs the markers all the same.
    Listing.objects.filter(pk=listing.pk).update(description="\ue001 Phlebotomy \ue000\ue000 x")
    page = client.get(reverse("listings:listing_list"), {"q": "phlebotomy"}).content.decode()
    assert page.count("<mark>") == page.count("</mark>") >= 1
    assert str(highlight("a\ue001b\ue000c\ue000d")) == "ab<mark>cd</mark>"
