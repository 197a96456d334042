"""What a search's words mean besides their text (search.understand): places with the
words before them, the work mode and the student's level as filters, job-board filler
words, words the database ignores, and how the student takes each back out."""

import re

import pytest
from django.urls import reverse

from accounts.models import Program
from listings.models import SearchSynonym, WorkMode
from listings.search.catalogue import forget_catalogue
from tests.support.factories import LabFactory, PublishedListingFactory

pytestmark = pytest.mark.django_db
URL = reverse("listings:listing_list")


def search(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def titles(response) -> list[str]:
    return sorted(listing.title for listing in response.context["result"].listings)


@pytest.fixture
def two_cities():
    boston, chicago = LabFactory(city="Boston"), LabFactory(city="Chicago")
    PublishedListingFactory(lab=boston, title="Student Phlebotomist, Beacon Hill")
    PublishedListingFactory(lab=boston, title="Histology aide", work_mode=WorkMode.REMOTE)
    PublishedListingFactory(lab=chicago, title="Student Phlebotomist, Loop clinic")
    PublishedListingFactory(
        lab=chicago, title="Phlebotomist, remote scheduling", work_mode=WorkMode.REMOTE
    )


def test_jobs_in_a_city_searches_the_role_in_that_city(client, two_cities):
    """ "phlebotomist jobs in boston" found nothing: no listing says "jobs", and "in"
    stayed behind as a word. The preposition goes with the place; "jobs" is filler."""
    response = search(client, q="phlebotomist jobs in Boston")

    assert titles(response) == ["Student Phlebotomist, Beacon Hill"]
    result = response.context["result"]
    assert [(u.name, u.value, u.words) for u in result.understood] == [
        ("city", "Boston", "in Boston")
    ]
    assert result.unknown_words == []
    page = response.content.decode()
    assert "Showing listings in <strong>Boston</strong> for “phlebotomist”." in page
    assert "Search everywhere for “phlebotomist jobs in Boston”" in page
    near = search(client, q="phlebotomist near chicago")
    assert titles(near) == ["Phlebotomist, remote scheduling", "Student Phlebotomist, Loop clinic"]


def test_partial_matches_keep_the_place_the_search_understood(client, two_cities):
    """The best matches of the other words, when one word is unknown, used to be
    filtered by the city without saying so (and without a way to take it out)."""
    response = search(client, q="phlebotomist zxqv boston")

    result = response.context["result"]
    assert titles(response) == ["Student Phlebotomist, Beacon Hill"]
    assert result.unknown_words == ["zxqv"]
    assert [u.label for u in result.understood] == ["Boston"]
    page = response.content.decode()
    assert "Showing listings in <strong>Boston</strong>" in page
    assert "No open listing mentions <strong>zxqv</strong>" in page


def test_words_the_database_ignores_are_never_unknown(client, two_cities):
    result = search(client, q="phlebotomist for the zxqv").context["result"]

    assert result.unknown_words == ["zxqv"]  # not "for" and "the"
    assert len(result.listings) == 3


def test_remote_and_a_level_in_the_words_are_filters(client, two_cities):
    PublishedListingFactory(
        lab=LabFactory(city="Denver"), title="Phlebotomist for third-years",
        levels=[Program.MS3],
    )  # fmt: skip

    remote = search(client, q="remote phlebotomist")
    assert titles(remote) == ["Phlebotomist, remote scheduling"]
    page = remote.content.decode()
    assert "Showing <strong>remote</strong> listings for “phlebotomist”." in page
    assert "Search for “remote phlebotomist” as typed" in page

    ms3 = search(client, q="MS3 phlebotomist")
    assert titles(ms3) == ["Phlebotomist for third-years"]
    assert "listings open to <strong>MS3</strong> for “phlebotomist”" in ms3.content.decode()

    both = search(client, q="remote phlebotomist in chicago")
    assert titles(both) == ["Phlebotomist, remote scheduling"]
    assert (
        "Showing <strong>remote</strong> listings in <strong>Chicago</strong> for “phlebotomist”."
        in both.content.decode()
    )


def test_quoted_or_negated_words_and_as_typed_stay_words(client, two_cities):
    everywhere = search(client, q="remote phlebotomist", anywhere="1")
    assert everywhere.context["result"].understood == []
    assert titles(everywhere) == ["Phlebotomist, remote scheduling"]  # by its title

    quoted = search(client, q='"remote" phlebotomist')
    assert quoted.context["result"].understood == []
    negated = search(client, q="phlebotomist -remote")
    assert negated.context["result"].understood == []
    assert titles(negated) == [
        "Student Phlebotomist, Beacon Hill", "Student Phlebotomist, Loop clinic"
    ]  # fmt: skip


def test_a_chip_taken_from_the_words_removes_them(client, two_cities):
    """The city chip of "phlebotomist boston" linked to the same search: the word was
    understood again and the filter never went away."""
    response = search(client, q="remote phlebotomist in boston")
    chips = {chip.label: chip.remove_query for chip in response.context["chips"]}

    assert chips == {"City: Boston": "q=remote+phlebotomist", "Remote": "q=phlebotomist+in+boston"}
    assert response.context["clear_all_query"] == "q=phlebotomist"
    without_city = search(client, q="remote phlebotomist")
    assert [u.name for u in without_city.context["result"].understood] == ["mode"]
    assert 'href="?q=phlebotomist" data-chip>Clear all filters' in response.content.decode()


def test_job_board_filler_words_are_left_out(client, two_cities):
    assert titles(search(client, q="phlebotomist positions")) == titles(
        search(client, q="phlebotomist")
    )
    # Alone, they browse every listing; quoted or negated, they are words.
    assert len(search(client, q="jobs").context["result"].listings) == 4
    assert search(client, q='"jobs" phlebotomist').context["result"].listings == []


@pytest.mark.parametrize(
    ("words", "level"),
    [("pre-health", "pre_med"), ("prehealth students", "pre_med"), ("PA students", "pa"),
     ("physician assistant student", "pa"), ("mls students", "lab_science"),
     ("lab science student", "lab_science"), ("premeds", "pre_med"), ("for pre-meds", "pre_med"),
     ("for MS1s", "ms1")],
)  # fmt: skip
def test_other_programs_students_name_are_their_level(client, words, level):
    """ "pre-health", "PA students" and "premeds" found nothing; "PA" alone stays
    Pennsylvania's code, and "MLS" alone a medical laboratory scientist."""
    PublishedListingFactory(title="Phlebotomy aide", levels=[level])
    PublishedListingFactory(title="Phlebotomy aide, MS3", levels=[Program.MS3])
    result = search(client, q=f"{words} phlebotomy").context["result"]

    assert [(u.name, u.value) for u in result.understood] == [("level", level)]
    assert [listing.title for listing in result.listings] == ["Phlebotomy aide"]
    assert [u.name for u in search(client, q="research PA").context["result"].understood] != [
        "level"
    ]


def test_med_is_medical(client):
    """Migration 0038: "med student" found the listings that say "student"."""
    PublishedListingFactory(title="Aide for medical students", description="Clinic work.")
    PublishedListingFactory(title="Student aide, chemistry", description="Bench work.")
    forget_catalogue()

    assert titles(search(client, q="med student")) == ["Aide for medical students"]


def test_internship_is_every_listing_here(client, two_cities):
    """ "internship" found nothing, and "summer internship" reported it unknown: every
    listing on a board of student positions is one."""
    assert len(search(client, q="internship").context["result"].listings) == 4
    result = search(client, q="remote internships in boston").context["result"]
    assert [listing.title for listing in result.listings] == ["Histology aide"]
    assert result.unknown_words == []


def test_mice_finds_mouse(client):
    PublishedListingFactory(title="Mouse colony technician", description="Husbandry.")

    assert titles(search(client, q="mice")) == ["Mouse colony technician"]


@pytest.mark.parametrize(
    ("words", "title"),
    [
        ("cardiology", "Cardiac rehabilitation data aide"),
        ("cancer", "Oncology infusion phlebotomist"),
        ("oncology", "Cancer biobank assistant"),
        ("ihc", "Immunohistochemistry bench aide"),
        ("hourly", "Phlebotomy aide, draw station"),
    ],
)
def test_a_specialty_by_its_other_name_and_hourly_pay(client, words, title):
    """Migration 0038: "cardiology" found nothing where listings say "cardiac";
    "cancer" and "oncology" found different listings; "hourly" is paid work."""
    for each in [
        "Cardiac rehabilitation data aide", "Oncology infusion phlebotomist",
        "Cancer biobank assistant", "Immunohistochemistry bench aide",
    ]:  # fmt: skip
        PublishedListingFactory(title=each, description="Bench work.", compensation="credit")
    # paid by the hour: the listing's pay, not its words
    PublishedListingFactory(
        title="Phlebotomy aide, draw station",
        description="Draws.",
        compensation="paid",
        pay_rate=18,
    )
    forget_catalogue()

    assert title in titles(search(client, q=words))


def test_the_api_says_what_it_understood(client, two_cities):
    body = client.get(reverse("listings:api_listings"), {"q": "remote phlebotomy jobs in boston"})

    assert body.json()["understood"] == {"city": "Boston", "mode": "remote"}
    assert body.json()["searched_for"] == "phlebotomy"


def test_a_city_and_its_state_with_a_comma_search_that_city(client, two_cities):
    """ "Boston, MA" left a comma to search, which matched nothing."""
    response = search(client, q="Boston, MA")

    assert titles(response) == ["Histology aide", "Student Phlebotomist, Beacon Hill"]
    assert [u.name for u in response.context["result"].understood] == ["city", "state"]


def test_weekends_and_evenings_in_the_words_are_the_schedule(client):
    """Few listings say "weekend" or "evening" in their text; their schedule says it."""
    PublishedListingFactory(title="Phlebotomist, draw station", schedules=["weekends"])
    PublishedListingFactory(title="Phlebotomist, night clinic", schedules=["evenings"])
    PublishedListingFactory(title="Phlebotomist, weekday mornings", schedules=["weekdays"])

    weekend = search(client, q="weekend phlebotomist")
    assert titles(weekend) == ["Phlebotomist, draw station"]
    # Its checkbox is not ticked: unticking it could not take the word out
    (weekends,) = [o for o in weekend.context["result"].facets["schedule"] if o.value == "weekends"]
    assert not weekends.selected
    ticked = search(client, q="phlebotomist", schedule="weekends").context["result"]
    assert [o.value for o in ticked.facets["schedule"] if o.selected] == ["weekends"]
    assert "listings on <strong>weekends</strong> for “phlebotomist”" in weekend.content.decode()
    evening = search(client, q="phlebotomist evenings")
    assert titles(evening) == ["Phlebotomist, night clinic"]
    assert "listings in the <strong>evenings</strong>" in evening.content.decode()
    assert len(search(client, q="phlebotomist -weekends").context["result"].listings) == 3


@pytest.mark.parametrize(
    ("words", "schedule", "said"),
    [
        ("summer full time", "summer", "full-time in the summer"),
        ("full-time over the summer", "summer", "full-time in the summer"),
        ("flexible hours", "flexible", "on a flexible schedule"),
    ],
)
def test_a_full_time_summer_or_a_flexible_schedule_is_the_schedule(client, words, schedule, said):
    """ "summer full time research" searched "summer", "full time" and "research"
    (no listing says "full time": the board's one full-time schedule is the summer's),
    "flexible hours" the word "hours"."""
    PublishedListingFactory(title="Research aide", schedules=[schedule])
    PublishedListingFactory(title="Research aide, weekdays", schedules=["weekdays"])
    response = search(client, q=f"research {words}")
    result = response.context["result"]
    assert [(u.name, u.value) for u in result.understood] == [("schedule", schedule)]
    assert titles(response) == ["Research aide"]
    text = " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())
    assert f"Showing listings {said} for “research”" in text
    # "flexible" and "full time" alone stay words
    for alone in ["flexible", "full time"]:
        assert search(client, q=f"research {alone}").context["result"].understood == []


@pytest.mark.parametrize("words", ["no weekends", "not on weekends", "without weekends"])
def test_refusing_a_schedule_leaves_out_the_listings_with_it(client, words):
    """ "phlebotomist no weekends" was taken as the weekends filter: the listings
    students refused, and only those. A listing that also has weekends is left out."""
    PublishedListingFactory(title="Phlebotomist, draw station", schedules=["weekends"])
    PublishedListingFactory(title="Phlebotomist, weekend team", schedules=["weekdays", "weekends"])
    PublishedListingFactory(title="Phlebotomist, weekday mornings", schedules=["weekdays"])
    PublishedListingFactory(title="Phlebotomist, night clinic", schedules=["evenings"])

    response = search(client, q=f"phlebotomist {words}")
    result = response.context["result"]
    assert titles(response) == ["Phlebotomist, night clinic", "Phlebotomist, weekday mornings"]
    assert [(u.name, u.value, u.words) for u in result.understood] == [
        ("schedule_not", "weekends", words)
    ]
    page = response.content.decode()
    assert "listings  <strong>not on weekends</strong> for “phlebotomist”" in page
    (chip,) = response.context["chips"]
    assert chip.label == "Not on weekends" and chip.remove_query == "q=phlebotomist"
    # Its schedule facet counts what is left: weekends, nothing
    counts = {o.value: o.count for o in result.facets["schedule"]}
    assert counts["weekends"] == 0 and counts["weekdays"] == 1
    # As the filter of a link (not the words): its chip names it so
    linked = search(client, q="phlebotomist", schedule_not="weekends")
    assert [c.label for c in linked.context["chips"]] == ["Not on Weekends"]
    assert titles(linked) == titles(response)


def test_a_refusal_in_the_link_is_kept_and_a_bad_one_is_said(client, two_cities):
    """schedule_not and mode_not are not in the panel: the form carries the link's own
    values when sent again, and a value that is no choice is said, not a 500."""
    page = search(client, q="phlebotomist", mode_not="remote").content.decode()
    assert '<input type="hidden" name="mode_not" value="remote">' in page
    words = search(client, q="phlebotomist not remote").content.decode()
    assert 'name="mode_not"' not in words  # from the words: the words carry it
    bad = search(client, q="phlebotomist", schedule_not="sundays")
    assert 'id="schedule_not-error">Select a valid choice. sundays is not one' in (
        bad.content.decode()
    )
    assert len(bad.context["result"].listings) == 3  # the search without it


def test_refused_words_of_other_filters_stay_words(client, two_cities):
    """ "not remote" leaves remote listings out; "weekdays only" is the weekdays;
    "weekdays, no weekends" the weekdays; "not in Boston" is no Boston filter."""
    result = search(client, q="phlebotomist not remote").context["result"]
    assert [(u.name, u.value) for u in result.understood] == [("mode_not", "remote")]
    assert sorted(listing.title for listing in result.listings) == [
        "Student Phlebotomist, Beacon Hill", "Student Phlebotomist, Loop clinic"
    ]  # fmt: skip
    api = client.get(reverse("listings:api_listings"), {"q": "phlebotomist not remote"}).json()
    assert api["understood"] == {"mode_not": "not remote"}
    for words, understood in [
        ("weekdays only", [("schedule", "weekdays")]),
        ("weekdays, no weekends", [("schedule", "weekdays")]),
    ]:
        result = search(client, q=words).context["result"]
        assert [(u.name, u.value) for u in result.understood] == understood, words
    result = search(client, q="phlebotomist not in boston").context["result"]
    assert not [u for u in result.understood if u.is_place]


def test_a_refusal_reaches_the_values_joined_to_it(client):
    """ "no weekends or evenings" refuses both: "evenings" was the filter of its own."""
    PublishedListingFactory(title="Phlebotomist, draw station", schedules=["weekends"])
    PublishedListingFactory(title="Phlebotomist, night clinic", schedules=["evenings"])
    PublishedListingFactory(title="Phlebotomist, weekday mornings", schedules=["weekdays"])
    for words in [
        "no weekends or evenings",
        "not on weekends, evenings",
        "no weekends nor evenings",
    ]:
        response = search(client, q=f"phlebotomist {words}")
        understood = response.context["result"].understood
        assert [(u.name, u.value, u.words) for u in understood] == [
            ("schedule_not", "weekends", words), ("schedule_not", "evenings", words)
        ]  # fmt: skip
        assert titles(response) == ["Phlebotomist, weekday mornings"]
        assert {chip.remove_query for chip in response.context["chips"]} == {"q=phlebotomist"}
    # Refused twice: said once
    page = search(client, q="no weekends, no weekends phlebotomist").content.decode()
    assert page.count("not on weekends") == 1


def test_a_number_no_listing_has_leaves_the_others_best_matches(client):
    PublishedListingFactory(title="Summer research assistant", description="Wet lab.")

    result = search(client, q="summer research 2031").context["result"]

    assert result.unknown_words == ["2031"]
    assert [listing.title for listing in result.listings] == ["Summer research assistant"]


def test_did_you_mean_keeps_the_place_it_searched(client, two_cities):
    """ "flebotomist jobs in boston" offered "phlebotomist", a link that searched
    everywhere."""
    from listings.search.suggest import refresh_search_words

    refresh_search_words()
    response = search(client, q="flebotomist jobs in boston")

    assert response.context["result"].suggestion == "phlebotomist in boston"
    assert 'href="?q=phlebotomist+in+boston&amp;page=1"' in response.content.decode()
    followed = search(client, q="phlebotomist in boston")
    assert titles(followed) == ["Student Phlebotomist, Beacon Hill"]


def test_near_me_is_not_a_word_to_search(client, two_cities):
    """ "phlebotomist near me" said that no listing mentions "near" ("me" the
    database ignores)."""
    result = search(client, q="phlebotomist near me").context["result"]

    assert result.unknown_words == [] and len(result.listings) == 3


def test_the_page_title_has_the_words_as_typed(client, two_cities):
    page = search(client, q="phlebotomist in Boston").content.decode()
    assert "<title>“phlebotomist in Boston”: Find a lab position" in page
    assert "<title>“Boston”: Find" in search(client, q="Boston").content.decode()


def test_a_state_code_in_lower_case_right_after_a_city(client, two_cities):
    """ "Boston, ma" left "ma" to search (a code alone counts only in capitals: "in",
    "or" are words); after a city it is its state. "boston or chicago" stays two
    cities' words."""
    response = search(client, q="phlebotomist boston, ma")
    result = response.context["result"]
    assert "in <strong>Boston, Massachusetts</strong> for" in response.content.decode()
    assert [(u.name, u.value) for u in result.understood] == [("city", "Boston"), ("state", "MA")]
    assert [listing.title for listing in result.listings] == ["Student Phlebotomist, Beacon Hill"]
    either = search(client, q="phlebotomist boston or chicago").context["result"]
    assert [u.name for u in either.understood] == ["city"]


def test_several_levels_or_schedules_are_all_taken(client):
    PublishedListingFactory(title="Aide for first-years", levels=[Program.MS1])
    PublishedListingFactory(title="Aide for second-years", levels=[Program.MS2])
    PublishedListingFactory(title="Aide for fourth-years", levels=[Program.MS4])

    response = search(client, q="aide ms1 ms2")

    assert titles(response) == ["Aide for first-years", "Aide for second-years"]
    assert "listings open to <strong>MS1 or MS2</strong> for “aide”" in response.content.decode()
    chips = {chip.label: chip.remove_query for chip in response.context["chips"]}
    assert chips["Medical student, year 1 (MS1)"] == "q=aide+ms2"


def test_md_phd_is_a_level_not_maryland(client):
    PublishedListingFactory(title="Physician-scientist aide", levels=["md_phd"])

    result = search(client, q="MD/PhD aide").context["result"]

    assert [(u.name, u.value) for u in result.understood] == [("level", "md_phd")]
    assert [listing.title for listing in result.listings] == ["Physician-scientist aide"]


def test_removing_a_short_filter_word_keeps_longer_words_that_contain_it(client, two_cities):
    """The chip of "remote" in "remotely remote" removes the word, not the start of
    "remotely"."""
    response = search(client, q="remotely remote")
    chips = {chip.label: chip.remove_query for chip in response.context["chips"]}
    assert chips == {"Remote": "q=remotely"}


@pytest.fixture
def hours():
    lab = LabFactory(city="Boston")
    PublishedListingFactory(lab=lab, title="Lab Technician, weekday mornings",
                            hours_min=6, hours_max=10)  # fmt: skip
    PublishedListingFactory(lab=lab, title="Lab Technician, long shifts",
                            hours_min=16, hours_max=20)  # fmt: skip
    PublishedListingFactory(lab=lab, title="24 hour urine collection aide",
                            hours_min=4, hours_max=8)  # fmt: skip


@pytest.mark.parametrize(
    ("words", "most", "left"),
    [
        ("10 hours a week", 10, ""),
        ("lab technician 10 hours per week", 10, "lab technician"),
        ("technician under 12 hrs", 12, "technician"),
        ("technician 8-12 hours/week", 12, "technician"),
        ("technician up to 10 h a week", 10, "technician"),
        ("Technician 10 HOURS", 10, "Technician"),
    ],
)
def test_hours_in_the_words_are_the_hours_filter(client, hours, words, most, left):
    """ "10 hours a week" found listings that say "week" (the numbers and "hours" are
    in no listing's words): it is the most hours a week the student can give."""
    response = search(client, q=words)

    result = response.context["result"]
    assert [(u.name, u.value) for u in result.understood] == [("hours_max", str(most))]
    assert response.context["filter"].form.cleaned_data["q"] == left
    within = ["Lab Technician, weekday mornings"]  # 6 hours at least; not 16
    assert titles(response) == (within if left else ["24 hour urine collection aide", *within])
    assert f"Showing listings of <strong>up to {most} hours a week</strong>" in (
        response.content.decode()
    )
    chips = {chip.label: chip.remove_query for chip in response.context["chips"]}
    assert chips == {f"At most {most} h a week": f"q={left.replace(' ', '+')}"}


@pytest.mark.parametrize(
    "words",
    ["24 hour urine collection", '"10 hours" technician', "technician -10 hours",
     "technician 0 hours", "technician 99 hours"],
)  # fmt: skip
def test_hours_that_are_not_a_week_stay_words(client, hours, words):
    """A singular "hour" without "a week" or a limit is a lab's words ("24 hour
    urine"); quoted, negated or impossible hours stay words too."""
    result = search(client, q=words).context["result"]
    assert result.understood == []


def test_hours_chosen_in_the_filters_leave_the_words_alone(client, hours):
    response = search(client, q="technician 10 hours a week", hours_max="20")
    assert response.context["result"].understood == []
    assert response.context["filter"].form.cleaned_data["hours_max"] == 20


def test_entry_level_is_filler(client, hours):
    """On a board of student positions every listing is entry level; "entry level lab
    technician" found nothing, as no listing says "level"."""
    for words in ["entry level lab technician", "Entry-level lab technician jobs"]:
        response = search(client, q=words)
        assert response.context["filter"].form.cleaned_data["q"] == "lab technician"
        assert titles(response) == [
            "Lab Technician, long shifts",
            "Lab Technician, weekday mornings",
        ]


def test_shorthand_finds_the_words_listings_use(client, hours):
    """ "tech" (migration 0030) is a technician, alone and in "lab tech"."""
    assert titles(search(client, q="tech")) == [
        "Lab Technician, long shifts", "Lab Technician, weekday mornings"
    ]  # fmt: skip
    assert len(search(client, q="lab tech 10 hours").context["result"].listings) == 1


def test_a_synonym_of_several_words_is_one_word_for_the_partial_matches(client):
    """ "lab tech zxqv": "tech" alone finds nothing on this board, "lab tech" (=
    "lab technician") does: the partial matches keep it whole, not just "lab"."""
    SearchSynonym.objects.filter(term="tech").delete()  # "tech" alone finds nothing
    forget_catalogue()
    PublishedListingFactory(title="Lab Technician, histology")
    PublishedListingFactory(title="Lab coordinator")
    result = search(client, q="lab tech zxqv").context["result"]
    forget_catalogue()

    assert result.unknown_words == ["zxqv"]
    assert [listing.title for listing in result.listings] == ["Lab Technician, histology"]


def test_full_time_is_one_word_not_the_part_time_listings(client):
    """ "full time phlebotomy" showed the part-time listings: no listing says "full",
    and the partial matches kept "time" (migration 0039)."""
    PublishedListingFactory(title="Phlebotomist (part-time)", description="Draw blood.")
    PublishedListingFactory(title="Student phlebotomist", description="Draw blood.")
    PublishedListingFactory(title="Lab aide (part-time)", description="Filing.")
    response = search(client, q="full time phlebotomy")
    assert response.context["result"].unknown_words == ["full time"]
    assert titles(response) == ["Phlebotomist (part-time)", "Student phlebotomist"]
    assert search(client, q="full-time").context["result"].total == 0
    for words in ["part time", "parttime", "part-time"]:
        part_time = ["Lab aide (part-time)", "Phlebotomist (part-time)"]
        assert titles(search(client, q=words)) == part_time


def test_the_ways_students_say_a_year_of_medical_school_are_the_level(client):
    """ "first year medical student" found nothing: no listing says "first"."""
    PublishedListingFactory(title="Phlebotomist for first-years", levels=[Program.MS1])
    PublishedListingFactory(title="Phlebotomist for third-years", levels=[Program.MS3])
    for words in ["first year medical students", "phlebotomist 1st-year med student"]:
        result = search(client, q=words).context["result"]
        assert [(u.name, u.value) for u in result.understood] == [("level", "ms1")]
        assert [listing.title for listing in result.listings] == ["Phlebotomist for first-years"]
    # an undergraduate's first year is no medical school year: words
    assert search(client, q="first year phlebotomist").context["result"].understood == []


def test_m1_to_m4_are_the_years_of_medical_school_but_not_macrophages(client):
    """ "m1" found nothing: medical schools call their years M1-M4 as often as MS1-MS4.
    M1 and M2 macrophages are a lab's words."""
    PublishedListingFactory(title="Phlebotomist for first-years", levels=[Program.MS1])
    PublishedListingFactory(title="Phlebotomist for third-years", levels=[Program.MS3])
    PublishedListingFactory(title="M2 macrophage polarization aide", levels=[Program.MS3])
    for words, level, found in [
        ("m1", "ms1", ["Phlebotomist for first-years"]),
        ("phlebotomist for M3 students", "ms3", ["Phlebotomist for third-years"]),
    ]:
        result = search(client, q=words).context["result"]
        assert [(u.name, u.value) for u in result.understood] == [("level", level)]
        assert [listing.title for listing in result.listings] == found
    for words in ["M2 macrophage", "m2 macrophages", "M1 polarization", "M2s macrophages"]:
        result = search(client, q=words).context["result"]
        assert result.understood == []
    assert titles(search(client, q="m2 macrophage")) == ["M2 macrophage polarization aide"]


def test_words_left_joining_filters_search_nothing_more(client, two_cities):
    """ "evenings and weekends" searched "and", which the database ignores: nothing
    was found. With the filters taken, a joining word alone searches every listing."""
    PublishedListingFactory(title="Weekend aide", schedules=["weekends"])
    PublishedListingFactory(title="Evening aide", schedules=["evenings"])
    response = search(client, q="evenings and weekends")
    assert response.context["filter"].form.cleaned_data["q"] == ""
    assert titles(response) == ["Evening aide", "Weekend aide"]
    remote = search(client, q="work from home or hybrid")
    assert [u.value for u in remote.context["result"].understood] == ["remote", "hybrid"]
    assert titles(remote) == ["Histology aide", "Phlebotomist, remote scheduling"]


@pytest.mark.parametrize(
    "words, understood",
    [
        ("phlebotomist on weekends", [("schedule", "weekends", "on weekends")]),
        ("phlebotomist in the evenings", [("schedule", "evenings", "in the evenings")]),
        ("phlebotomist for pre-med students", [("level", "pre_med", "for pre-med students")]),
        ("phlebotomist open to ms1 students", [("level", "ms1", "open to ms1 students")]),
        ("phlebotomist on weekends and evenings",
         [("schedule", "weekends", "on weekends"), ("schedule", "evenings", "evenings")]),
        ("the phlebotomist on weekends", [("schedule", "weekends", "on weekends")]),
    ],
)  # fmt: skip
def test_the_words_that_lead_to_a_filter_go_with_it(client, words, understood):
    """ "on weekends", "in the evenings", "for pre-med students": the words before a
    schedule or level, and a joining word left at either end, leave with it. The
    page said it searched "phlebotomist on" or "phlebotomist and"."""
    PublishedListingFactory(
        title="Student Phlebotomist", schedules=["weekends", "evenings"],
        levels=[Program.PRE_MED, Program.MS1],
    )  # fmt: skip
    response = search(client, q=words)
    assert response.context["filter"].form.cleaned_data["q"] == "phlebotomist"
    result = response.context["result"]
    assert [(u.name, u.value, u.words) for u in result.understood] == understood
    assert titles(response) == ["Student Phlebotomist"]
    assert "for “phlebotomist”." in response.content.decode()


def test_the_partial_matches_leave_no_joining_word_at_their_end(client):
    """ "blood and zxqv": the results for "blood", not for "blood and"."""
    PublishedListingFactory(title="Blood draw aide")
    result = search(client, q="blood and zxqv").context["result"]
    assert result.unknown_words == ["zxqv"]
    assert [listing.title for listing in result.listings] == ["Blood draw aide"]
    page = search(client, q="blood and zxqv").content.decode()
    assert "showing results for “blood”." in page


def test_a_search_its_words_filtered_to_nothing_says_what_the_words_find_without(client):
    """ "remote data entry": no remote listing, but on-site ones: the page says how many
    and links to them (the words without the filters taken from them), instead of a
    bare "no listings"; the filters the student chose stay."""
    PublishedListingFactory(
        title="Data entry aide", work_mode=WorkMode.ON_SITE, compensation="stipend"
    )
    PublishedListingFactory(title="Data entry clerk", work_mode=WorkMode.ON_SITE,
                            compensation="volunteer")  # fmt: skip
    response = search(client, q="remote data entry")
    result = response.context["result"]
    assert (result.total, result.elsewhere_total) == (0, 2)
    page = response.content.decode()
    assert "Nothing matches with the filters taken from your words, but" in page
    assert (
        'href="?q=data+entry&amp;anywhere=1&amp;page=1">2 listings</a> match “data entry”' in page
    )
    followed = search(client, q="data entry", anywhere="1")
    assert titles(followed) == ["Data entry aide", "Data entry clerk"]
    volunteer = search(client, q="remote data entry", comp="volunteer").context["result"]
    assert (volunteer.elsewhere_total, volunteer.elsewhere_label) == (1, "1 listing")
    # Nothing without them either: the usual empty page, no count
    nothing = search(client, q="remote histology").content.decode()
    assert "No open listings match." in nothing and "without them" not in nothing
    # The JSON says it too
    api = client.get(reverse("listings:api_listings"), {"q": "remote data entry"}).json()
    assert (api["total"], api["searched_for"], api["found_without_understood"]) == (
        0, "data entry", 2
    )  # fmt: skip
    api = client.get(reverse("listings:api_listings"), {"q": "remote histology"}).json()
    assert "found_without_understood" not in api


def test_a_filter_from_the_words_and_only_unknown_words_shows_the_filters_listings(client):
    """ "pre-med friendly": pre-med is the level, and no listing says "friendly". The
    page showed no listings; it shows the pre-med ones and says which word no listing
    mentions. A misspelled word keeps its "did you mean" instead, and a filter that
    finds nothing either leaves the page as it was."""
    from listings.search.suggest import refresh_search_words

    PublishedListingFactory(title="Histology aide", levels=["pre_med"])
    PublishedListingFactory(title="Phlebotomy aide", levels=["pre_med", "ms1"])
    PublishedListingFactory(title="Coding aide", levels=["ms3"], work_mode=WorkMode.REMOTE)
    response = search(client, q="pre-med friendly")
    result = response.context["result"]
    assert titles(response) == ["Histology aide", "Phlebotomy aide"]
    assert result.unknown_words == ["friendly"] and result.total == 2
    assert [u.name for u in result.understood] == ["level"]
    page = response.content.decode()
    assert "No open listing mentions <strong>friendly</strong>." in page
    assert "showing results for" not in page  # no words are left to show results for
    api = client.get(reverse("listings:api_listings"), {"q": "pre-med friendly"}).json()
    assert (api["total"], api["unknown_words"], api["searched_for"]) == (2, ["friendly"], "")

    refresh_search_words()
    typo = search(client, q="pre-med flebotomy").context["result"]
    assert typo.suggestion == "phlebotomy pre-med" and not typo.listings
    nothing = search(client, q="remote friendly", level="pre_med").context["result"]
    assert (nothing.total, nothing.unknown_words) == (0, [])


def test_what_students_call_a_city_is_that_city(client):
    """ "nyc", "new york city", "philly": the city of a lab, not words no listing has
    (and "new york city" is the city, not the state). A city without labs is no
    filter: the words stay words."""
    new_york = LabFactory(city="New York", region="New York")
    PublishedListingFactory(lab=new_york, title="Student Phlebotomist, Harlem")
    PublishedListingFactory(lab=LabFactory(city="Boston"), title="Student Phlebotomist, Back Bay")
    forget_catalogue()
    for words in ("phlebotomist NYC", "phlebotomist in new york city", "manhattan phlebotomist"):
        response = search(client, q=words)
        assert titles(response) == ["Student Phlebotomist, Harlem"], words
        (place,) = response.context["result"].understood
        assert (place.name, place.value) == ("city", "New York")
    response = search(client, q="phlebotomist philly")
    assert response.context["result"].understood == []
    assert response.context["result"].unknown_words == ["philly"]
    forget_catalogue()
