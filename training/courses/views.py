"""Courses pages."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint('courses', __name__)
