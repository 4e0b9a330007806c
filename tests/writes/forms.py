"""A page's form, as the browser would post it back unchanged (the base of a write the test then alters)."""


def posted_back(form) -> dict:
    """The form's initial values in POST shape: checkboxes "on" when true, objects by primary key, lists of them
    for multiple choices; disabled fields left out (Django ignores what is posted for them)."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple) or hasattr(value, "all"):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    return data
