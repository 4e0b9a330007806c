"""The places a user can open a dashboard for, as the dashboard home lists them: the user's own place first,
then France, then each region with its departments and Missions Locales; filtered by a search text (name,
code or town, accents and case ignored)."""

import unicodedata
from dataclasses import dataclass, field

from pilotage.reference.models import Department, MissionLocale, Region


@dataclass(frozen=True)
class Place:
    name: str
    level: str  # "national", "region", "departement", "ml" (the dashboard URL's level)
    code: str
    detail: str = ""  # town and department of a Mission Locale; region of a department

    @property
    def search_text(self) -> str:
        return folded(f"{self.name} {self.code} {self.detail}")


@dataclass
class RegionGroup:
    region: Place
    departments: list[Place] = field(default_factory=list)
    missions_locales: list[Place] = field(default_factory=list)
    #: the region's own dashboard is listed (it is seen whole, and matches the search if any)
    link: bool = True


@dataclass
class Places:
    own: list[Place]
    national: Place | None
    groups: list[RegionGroup]
    query: str = ""

    @property
    def count(self) -> int:
        return len(self.own) + (self.national is not None) + sum(
            g.link + len(g.departments) + len(g.missions_locales) for g in self.groups
        )  # fmt: skip


def folded(text: str) -> str:
    """Lower case without accents: « Évry » and « evry » match."""
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if unicodedata.category(c) != "Mn")


def places_for(user, query: str = "") -> Places:
    regions = sorted(Region.objects.visible_to(user), key=lambda r: folded(r.name))
    departments = list(Department.objects.visible_to(user).select_related("region").order_by("code"))
    mls = list(MissionLocale.objects.visible_to(user).active().select_related("department__region").order_by("name"))
    groups: dict[str, RegionGroup] = {
        r.code: RegionGroup(Place(r.name, "region", r.code)) for r in regions
    }  # fmt: skip

    def group_of(region) -> RegionGroup:
        if region.code not in groups:  # a department or Mission Locale seen without its whole region
            groups[region.code] = RegionGroup(Place(region.name, "region", region.code), link=False)
        return groups[region.code]

    for d in departments:
        group_of(d.region).departments.append(Place(str(d), "departement", d.code, detail=d.region.name))
    for ml in mls:
        detail = ", ".join(x for x in (ml.city, str(ml.department)) if x)
        group_of(ml.department.region).missions_locales.append(Place(ml.display_name, "ml", ml.code, detail=detail))
    own = []
    if user.mission_locale_id:
        own = [p for g in groups.values() for p in g.missions_locales if p.code == user.mission_locale.code]
    elif len(departments) == 1:
        own = [groups[departments[0].region_id].departments[0]]
    elif len(regions) == 1:
        own = [groups[regions[0].code].region]
    national = None if user.scope.is_empty else Place("France", "national", "FR")
    ordered = sorted(groups.values(), key=lambda g: folded(g.region.name))  # Île-de-France between Hauts and La
    places = Places(own=own, national=national, groups=ordered, query=query.strip())
    return _filtered(places) if places.query else places


def _filtered(places: Places) -> Places:
    needle = folded(places.query)

    def keep(items):
        return [p for p in items if needle in p.search_text]

    groups = []
    for g in places.groups:
        region_matches = needle in g.region.search_text
        kept = RegionGroup(g.region, g.departments if region_matches else keep(g.departments),
                           g.missions_locales if region_matches else keep(g.missions_locales),
                           link=g.link and region_matches)  # fmt: skip
        if region_matches or kept.departments or kept.missions_locales:
            groups.append(kept)
    national = places.national if places.national and needle in places.national.search_text else None
    return Places(own=keep(places.own), national=national, groups=groups, query=places.query)
