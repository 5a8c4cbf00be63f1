"""Realistic reader comments: Markdown of varied length from a seeded generator.

Lengths follow a long tail (most comments are a sentence or three, some are several
paragraphs); about a third use Markdown (emphasis, a quoted line, a list, a source link).
No comment has more than two links, so none is held for links.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

WORDS = (
    "the river rose faster than anyone expected and the wall was overtopped before the "
    "warning reached most of the street council agency funding homes evacuated figures "
    "rescue boats rest centre school leisure hospital hypothermia rainfall record gauge "
    "metres millimetres october night morning bridge power engineers inspect review "
    "defences climate warmer atmosphere standard design flood alert severe danger life "
    "residents neighbours family upstairs photographs insurance cleanup volunteers sandbags "
    "pumps mud kitchen ground floor cellar roads closed bus diverted farmers fields "
    "livestock moved higher ground forecast radar upstream reservoir culvert drains"
).split()
OPENERS = (
    "I live on Mill Street and",
    "My parents were evacuated, and",
    "Thank you for keeping this updated;",
    "Is there a source for the figure about",
    "The photos from Kingsway show that",
    "As a volunteer at the rest centre, I can say",
    "This is the third time in ten years that",
    "Small correction:",
    "Does anyone know whether",
    "The council meeting last year discussed",
)
FIRST_NAMES = (
    "Ann Ben Chidi Dana Eamon Fatima Gareth Hana Ivan Jess Kofi Lena Marta Nadia Owen "
    "Priya Quentin Rosa Sam Tomasz Uma Victor Wen Xavier Yusuf Zoe"
).split()
LAST_NAMES = (
    "Oduya Patel Jones Kowalski Nguyen Evans Ahmed Murphy Silva Brown Okafor Schmidt Rossi"
).split()


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None
    network: str  # an IPv4 /24, e.g. "10.3.7.0"


def people(rng: random.Random, count: int) -> list[Person]:
    """``count`` distinct commenters, about two thirds of them leaving an email."""
    found = []
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first}.{last}{i}@example.org".lower() if rng.random() < 0.66 else None
        found.append(Person(f"{first} {last}", email, f"10.{i // 250 % 250}.{i % 250}.0"))
    return found


def _sentence(rng: random.Random, low: int = 6, high: int = 22) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + rng.choice(".....?!")


def _paragraph(rng: random.Random) -> str:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.25:
        start = rng.randrange(0, max(1, len(text) - 20))
        end = text.find(" ", start + 8)
        if end > start:
            word = text[start:end].strip()
            if word and " " not in word:
                marker = rng.choice(("*", "**"))
                text = text[:start] + f" {marker}{word}{marker}" + text[end:]
    return text


def comment_body(rng: random.Random) -> str:
    """One comment in Markdown: 1 to 6 paragraphs, sometimes a quote, a list or a link."""
    paragraphs = rng.choices((1, 2, 3, 4, 6), weights=(45, 25, 15, 10, 5))[0]
    first = _paragraph(rng)
    parts = [f"{rng.choice(OPENERS)} {first[0].lower()}{first[1:]}"]
    parts += [_paragraph(rng) for _ in range(paragraphs - 1)]
    roll = rng.random()
    if roll < 0.10:
        parts.insert(0, "> " + _sentence(rng, 8, 16))
    elif roll < 0.18:
        parts.append("\n".join(f"- {_sentence(rng, 3, 8)}" for _ in range(rng.randint(2, 4))))
    elif roll < 0.28:
        parts.append(f"Source: [the report](https://example.org/reports/{rng.randint(1, 999)})")
    elif roll < 0.31:
        parts.append(f"The gauge reading is `{rng.randint(100, 999)} mm` on the agency page.")
    return "\n\n".join(parts)


def update_text(rng: random.Random, number: int) -> str:
    """The text of a published update, as moderators write them."""
    return f"Update {number}: {_sentence(rng, 10, 30)}"
