"""Ids in the demo data that pages of other issues need (integer ids are never guessed from the URL map)."""
from __future__ import annotations


def demo_ids(app) -> tuple[int | None, int | None]:
    """(the demo live run's id, the id of a session the demo trainer trains)."""
    import sqlalchemy as sa

    from training.auth.models import User
    from training.extensions import db
    from training.scenarios.models import LiveRun
    from training.workshops.models import TrainingSession, session_trainers
    with app.app_context():
        run_id = db.session.scalar(sa.select(LiveRun.id).order_by(LiveRun.id).limit(1))
        session_id = db.session.scalar(
            sa.select(TrainingSession.id).join(session_trainers, session_trainers.c.session_id == TrainingSession.id)
            .join(User, User.id == session_trainers.c.user_id).where(User.email == 'trainer@example.org')
            .order_by(TrainingSession.start_date.desc()).limit(1))
        db.session.remove()
    return run_id, session_id
