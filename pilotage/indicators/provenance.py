"""Where the dashboard's values come from, told by an upper floor (issue 15): the `submissions` app registers its
functions here in its `AppConfig.ready`, so that the dashboard shows the lineage stamp, the reviewers'
explanations beside the values and the link to the submissions without importing that app (the floors of
ARCHITECTURE.md). Without a registered source, nothing is shown."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    #: (dataset, region code or None, user) → an object with the lineage's fields, or None
    lineage: Callable
    #: (dataset, level, code, region code or None) → {(indicator, breakdown): comment}
    explanations: Callable
    #: user → [(French label, url)] of pages about the data (the submissions' list)
    links: Callable


_SOURCES: list[Source] = []


def register_source(source: Source) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def lineage_of(dataset, region_code, user):
    for source in _SOURCES:
        found = source.lineage(dataset, region_code, user)
        if found is not None:
            return found
    return None


def explanations_of(dataset, level: str, code: str, region_code) -> dict:
    found: dict = {}
    for source in _SOURCES:
        found.update(source.explanations(dataset, level, code, region_code))
    return found


def links_for(user) -> list[tuple[str, str]]:
    return [link for source in _SOURCES for link in source.links(user)]
