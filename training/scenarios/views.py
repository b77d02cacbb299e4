"""Scenarios pages."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint('scenarios', __name__)
