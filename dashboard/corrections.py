"""Corrections a user makes to articles' metadata, checked one field at a time.

A user who fixes an outlet name and mistypes the date in the same row must
get the outlet fixed and be told about the date: every valid field is
applied, every invalid one is reported, nothing is dropped silently.
Corrections are keyed by article id, and ids do not change with them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .loading import parse_date
from .models import Article, UNKNOWN


def _outlet(value: object) -> str:
    """Spacing tidied; an empty name means the outlet is not known."""
    return " ".join(str(value if value is not None else "").split()) or UNKNOWN


def _date(value: object) -> str | None:
    """Any date form the loader reads (ambiguous 03/04/2022 refused); empty clears the date."""
    text = "" if value is None else str(value).strip()
    return parse_date(text) if text else None


# Article field -> its check: the value to store, or ValueError with a reason for the user.
CORRECTABLE: dict[str, Callable[[object], object]] = {"source": _outlet, "date": _date}


@dataclass(frozen=True)
class CorrectionProblem:
    """One correction that was not applied, and why."""

    article_id: str
    field: str
    value: object  # as the user gave it (show as text only: it is user input)
    problem: str


def apply_corrections(
    articles: Sequence[Article], corrections: Mapping[str, Mapping[str, object]]
) -> tuple[list[Article], list[CorrectionProblem]]:
    """The articles with every valid correction applied, and a problem for every other one.

    `corrections` maps article id -> {field: value as typed}; fields are those
    in CORRECTABLE. Articles keep their order and their ids.
    """
    known = {a.id for a in articles}
    checked: dict[str, dict[str, object]] = {}
    problems: list[CorrectionProblem] = []
    for article_id, fields in corrections.items():
        if article_id not in known:
            for field, value in fields.items():
                problems.append(CorrectionProblem(article_id, field, value,
                                                  "no article with this id is loaded"))
            continue
        for field, value in fields.items():
            check = CORRECTABLE.get(field)
            if check is None:
                problems.append(CorrectionProblem(
                    article_id, field, value,
                    f"only {' and '.join(CORRECTABLE)} can be corrected"))
                continue
            try:
                checked.setdefault(article_id, {})[field] = check(value)
            except ValueError as exc:
                problems.append(CorrectionProblem(article_id, field, value, str(exc)))
    corrected = [dataclasses.replace(a, **checked[a.id]) if a.id in checked else a for a in articles]
    return corrected, problems
