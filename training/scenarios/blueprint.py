"""The scenarios blueprint, shared by its two page modules: ``views`` (frameworks, solo play, item analysis) and
``live_views`` (live runs). Both add their routes to :data:`bp`; the application factory imports both before it
registers the blueprint. Also the content lookups both modules need."""
from __future__ import annotations

from flask import Blueprint, abort

from training.content import registry
from training.scenarios import labels

bp = Blueprint('scenarios', __name__)


@bp.app_context_processor
def _labels():
    return {'sc_labels': labels}


def scenario_or_404(slug: str):
    sc = registry().scenario(slug)
    if sc is None:
        abort(404)
    return sc


def framework_of(sc):
    return registry().framework(sc.framework)
