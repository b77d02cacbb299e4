"""The audit log page (administrators only)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from training.audit import queries
from training.audit.services import ACTIONS
from training.auth.permissions import ADMINS, roles_required
from training.web import MAX_ID, paginate

bp = Blueprint('audit', __name__)

PER_PAGE = 50


def _int_arg(name: str, *, maximum: int) -> int | None:
    """An optional positive integer query argument; anything else is a bad request."""
    text = (request.args.get(name) or '').strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 12 or not 0 < int(text) <= maximum:
        abort(400)
    return int(text)


@bp.route('/manage/audit')
@roles_required(*ADMINS)
def events():
    action = request.args.get('action') or None
    if action is not None and action not in ACTIONS:
        abort(400)
    actor_id = _int_arg('actor', maximum=MAX_ID)
    page = paginate(queries.events_select(action=action, actor_id=actor_id), per_page=PER_PAGE)
    return render_template('audit/events.html', page=page, actions=ACTIONS, action=action, actor_id=actor_id,
                           actors=queries.actors())
