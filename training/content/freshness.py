"""When content facts were last checked (``checked: YYYY-MM`` in course and framework files), and which are stale."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import StringConstraints

#: A month, as ``YYYY-MM`` (quoted or not: YAML reads ``2026-12`` as a string).
CheckedMonth = Annotated[str, StringConstraints(pattern=r'^(19|20|21)\d\d-(0[1-9]|1[0-2])$')]

#: Facts checked longer ago than this many months are reported by ``flask content check``.
STALE_AFTER_MONTHS = 24


def months_since(checked: str, today: dt.date) -> int:
    year, month = (int(part) for part in checked.split('-'))
    return (today.year - year) * 12 + (today.month - month)


def stale_warnings(registry, today: dt.date | None = None) -> list[str]:
    """One ``path: warning: ...`` line per course whose facts are unchecked or more than two years old."""
    today = today or dt.date.today()
    warnings = []
    for slug, course in sorted(registry.courses.items()):
        where = f'courses/{slug}/course.yaml'
        if not course.checked:
            warnings.append(f'{where}: warning: no "checked: YYYY-MM" date says when its facts were last checked')
        elif months_since(course.checked, today) > STALE_AFTER_MONTHS:
            warnings.append(f'{where}: warning: facts last checked {course.checked}, more than two years ago; '
                            'check them against the sources and update "checked"')
    return warnings
