"""What a person has to do, as each domain reports it for their home page."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Todo:
    #: the domain, as the menu names it ("Dialogue de gestion")
    domain: str
    #: the French heading of the task, plural ("Dialogues à conclure")
    label: str
    count: int
    #: where to do it: the object itself when there is one, else the list it is found in
    url: str
    #: the objects' names, a few of them, for the reader to recognise them
    examples: tuple[str, ...] = ()


def todo_of(domain: str, label: str, objects: list, *, url_of, list_url: str, examples: int = 3) -> Todo:
    """One task over `objects`: links to the object when there is one, to `list_url` otherwise."""
    url = url_of(objects[0]) if len(objects) == 1 else list_url
    return Todo(domain, label, len(objects), url, tuple(str(o) for o in objects[:examples]))
