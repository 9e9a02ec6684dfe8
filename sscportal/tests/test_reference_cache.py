"""Reference data (countries, regions, goals) kept in memory by a reference version of its own
(core/choice_cache.cached_reference): a change of content leaves it loaded, a change of
reference data, or one that does not say what it is, loads it again."""

from core import choice_cache
from core.signals import send_content_changed
from events.models import Registration
from initiatives.models import CountryRole, Initiative
from taxonomy.models import SDG, Country


def counted_load(loads, value):
    def load():
        loads.append(1)
        return [value]

    return load


def test_reference_lists_stay_loaded_through_a_change_of_content(settings, monkeypatch):
    """A case study saved or a registration made replaces the content version, not the
    reference one: the countries and the goals are not loaded again, nor after a minute."""
    settings.PORTAL_CHOICE_CACHE_SECONDS = 60
    clock = [6000.0]
    monkeypatch.setattr(choice_cache.time, "time", lambda: clock[0])
    loads = []
    load = counted_load(loads, "Kenya")

    assert choice_cache.cached_reference("countries", load) == ["Kenya"]
    for sender in (Initiative, Registration):
        send_content_changed(sender)
        assert choice_cache.cached_reference("countries", load) == ["Kenya"]
    clock[0] += 3600
    assert choice_cache.cached_reference("countries", load) == ["Kenya"]
    assert len(loads) == 1


def test_a_change_of_reference_data_or_of_an_unnamed_kind_loads_them_again(settings):
    loads = []
    load = counted_load(loads, "Kenya")
    choice_cache.cached_reference("countries", load)

    send_content_changed(Country)
    choice_cache.cached_reference("countries", load)
    send_content_changed(SDG)
    choice_cache.cached_reference("countries", load)
    send_content_changed()  # a change that does not say what changed
    choice_cache.cached_reference("countries", load)
    assert len(loads) == 4


def test_saving_a_country_in_the_admin_shows_its_new_name_on_the_next_page(
    admin_client, countries, make_initiative
):
    """Through the real path: a country renamed in the admin is read again by the pages that
    keep the list of countries (the country index's map and table)."""
    kenya = countries["kenya"]
    make_initiative(countries={kenya: CountryRole.BENEFICIARY})
    assert "Kenya" in admin_client.get("/countries/").text

    kenya.name = "Kenya (renamed)"
    kenya.save()

    assert "Kenya (renamed)" in admin_client.get("/countries/").text


def test_a_cache_that_fails_gives_reference_lists_loaded_on_the_spot(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(choice_cache.watcher, "current", broken)
    monkeypatch.setattr(choice_cache.cache, "get", broken)
    loads = []
    assert choice_cache.cached_reference("countries", counted_load(loads, "Kenya")) == ["Kenya"]
    assert choice_cache.cached_reference("countries", counted_load(loads, "Kenya")) == ["Kenya"]
    assert len(loads) == 2
