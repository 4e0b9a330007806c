"""Reading back the text of generated documents in tests."""

import re

NNBSP, NBSP = "\u202f", "\u00a0"


def flat(text: str) -> str:
    """Extracted text with every space as one space, and words cut at a hyphen at the end of a line joined again."""
    text = re.sub(r"-[ \t]*\n\s*", "-", text)
    return " ".join(text.replace(NNBSP, " ").replace(NBSP, " ").split())
