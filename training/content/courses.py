"""Course loader: courses/<slug>/course.yaml, lessons (Markdown + front matter), quizzes (YAML)."""
from __future__ import annotations


def load_courses(base, problems, frameworks) -> dict:
    """Load every course under ``base``; record each problem on ``problems``."""
    return {}
