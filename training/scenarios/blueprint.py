"""The scenarios blueprint, shared by its page modules: ``views`` (frameworks, solo play, item analysis),
``live_views`` (live runs: teams, dashboard, presenter view) and ``live_control_views`` (the facilitator's actions).
Each adds its routes to :data:`bp`; the application factory imports them all before it registers the blueprint.
Also the lookups they share."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for

from training.auth.permissions import require_run_trainer
from training.content import registry
from training.extensions import db
from training.i18n import _
from training.scenarios import engine, labels
from training.scenarios.forms import AdvanceForm, choices
from training.scenarios.models import LiveRun

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


def run_or_404(run_id: int) -> LiveRun:
    """A live run the current user facilitates (404 for an unknown id, 403 for another trainer's run)."""
    run = db.session.get(LiveRun, run_id)
    if run is None:
        abort(404)
    require_run_trainer(run)
    return run


def run_and_scenario(run_id: int):
    run = run_or_404(run_id)
    return run, scenario_or_404(run.scenario_slug)


def to_dashboard(run_id: int):
    return redirect(url_for('scenarios.live_dashboard', run_id=run_id))


def _target_label(sc, target: str) -> str:
    stage = sc.stage(target)
    if stage is not None:
        return _('Stage: %(title)s', title=stage.title)
    return _('Ending: %(title)s', title=sc.ending(target).title)


def advance_form(sc, stage) -> AdvanceForm:
    """Where the run may go after ``stage``: each stage or ending its decision may lead to."""
    form = AdvanceForm()
    targets = engine.decision_targets(stage) if stage is not None else ()
    form.target.choices = choices((target, _target_label(sc, target)) for target in targets)
    return form
