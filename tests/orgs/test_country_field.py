"""An organisation's country is read from what a person types, never cut to two letters."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from covenant.accounts.services import create_token
from covenant.core.forms import CountryInput, country_options
from covenant.core.models import AuditEvent
from covenant.orgs.forms import NewOrganisationForm, OrganisationProfileForm
from covenant.orgs.models import Organisation
from tests.conftest import World, actor_of, client_for


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Nederland", "NL"), ("Netherlands", "NL"), ("NL", "NL"), ("nl", "NL"), ("Pays-Bas", "NL"), ("Niger", "NE")],
)
def test_names_and_codes_become_the_code(typed: str, code: str) -> None:
    assert CountryInput(required=False).clean(typed) == code


@pytest.mark.parametrize("typed", ["Nederlandt", "ZZ", "Netherlandz"])
def test_what_is_not_a_country_is_refused_with_what_was_typed(typed: str) -> None:
    form = NewOrganisationForm({"name": "Oost Coffee", "kind": "supplier", "country": typed})
    assert not form.is_valid()
    assert form.errors["country"] == [
        f"'{typed}' is not a country we know. Type its name or its two-letter code, e.g. NL."
    ]


def test_a_name_of_several_countries_asks_which() -> None:
    form = NewOrganisationForm({"name": "Oost Coffee", "kind": "supplier", "country": "Congo"})
    assert not form.is_valid()
    assert "could mean several countries" in form.errors["country"][0]
    assert "(CD)" in form.errors["country"][0] and "(CG)" in form.errors["country"][0]


def test_empty_stays_empty() -> None:
    assert CountryInput(required=False).clean("  ") == ""


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_suggested_name_reads_back_as_its_country(language: str) -> None:
    field = CountryInput(required=False)
    with translation.override(language):
        options = country_options()
        assert {field.clean(text) for _code, text in options} == {code for code, _text in options}
        assert all(field.clean(text) == code for code, text in options)


def test_the_widget_suggests_names_in_the_persons_language() -> None:
    with translation.override("nl"):
        html = str(NewOrganisationForm()["country"])
    assert 'list="id_country-countries"' in html
    assert '<option value="Nederland">' in html
    assert 'maxlength="2"' not in html


def test_secretariat_types_a_dutch_name_and_the_netherlands_is_stored(world: World) -> None:
    response = client_for(world.coordinator).post(
        reverse("orgs:new_organisation"), {"name": "Oost Coffee", "kind": "supplier", "country": "Nederland"}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Oost Coffee").country == "NL"


@pytest.mark.parametrize("typed", ["Nederlandt", "ZZ"])
def test_an_unknown_country_stores_nothing(world: World, typed: str) -> None:
    organisations, events = Organisation.objects.count(), AuditEvent.objects.count()
    response = client_for(world.coordinator).post(
        reverse("orgs:new_organisation"), {"name": "Oost Coffee", "kind": "supplier", "country": typed}
    )
    assert response.status_code == 200
    assert f"&#x27;{typed}&#x27; is not a country we know" in response.content.decode()
    assert (Organisation.objects.count(), AuditEvent.objects.count()) == (organisations, events)


def test_profile_edit_refuses_an_unknown_country_and_keeps_the_old_one(world: World) -> None:
    client = client_for(world.admin_a)
    data = {"name": "Noordhaven Foods", "country": "Nederlandt", "city": "", "website": "", "description": ""}
    response = client.post(reverse("orgs:edit_organisation"), data)
    assert "is not a country we know" in response.content.decode()
    world.member_a.refresh_from_db()
    assert world.member_a.country == "NL"
    client.post(reverse("orgs:edit_organisation"), {**data, "country": "Niger"})
    world.member_a.refresh_from_db()
    assert world.member_a.country == "NE"


def test_profile_form_shows_the_stored_country_by_name(world: World) -> None:
    with translation.override("en"):
        html = str(OrganisationProfileForm(instance=world.member_a)["country"])
    assert 'value="Netherlands"' in html


def test_the_organisation_page_shows_the_name_in_the_persons_language(world: World) -> None:
    url = reverse("orgs:organisation_detail", args=[world.member_a.slug])
    client = client_for(world.admin_a)
    client.cookies["django_language"] = "nl"
    assert "· Nederland" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    assert "· Netherlands" in client.get(url).content.decode()
    assert "<td>Netherlands</td>" in client.get(reverse("orgs:directory")).content.decode()
    own_page = client.get(reverse("orgs:my_organisation")).content.decode()
    assert "· Netherlands" in own_page
    assert "· NL" not in own_page


def test_the_api_filters_by_a_country_name_and_refuses_an_unknown_one(world: World) -> None:
    _token, secret = create_token(actor_of(world.coordinator), name="t")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    found = api.get("/api/v1/organisations?country=China")
    assert found.status_code == 200
    items = found.json()["items"]
    assert [(o["slug"], o["country"], o["country_name"]) for o in items] == [(world.supplier.slug, "CN", "China")]
    refused = api.get("/api/v1/organisations?country=Nederlandt")
    assert refused.status_code in (400, 422)
    assert "'Nederlandt' is not a country we know" in refused.json()["detail"]
