"""A paper test a participant took, entered by the facilitator: the options ticked on the answer sheet, scored on the
server against the key as an online attempt is. The attendance's pre- or post-test score follows it, so programme
reports count its knowledge gain with the others."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.db import enum_column, uid_column, utcnow
from training.extensions import db
from training.vocab import QuizKind


class PaperTestEntry(db.Model):
    __tablename__ = 'paper_test_entries'
    __table_args__ = (
        sa.UniqueConstraint('attendance_id', 'course_slug', 'quiz_id'),
        sa.CheckConstraint('score >= 0 AND score <= 100', name='score_in_range'),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Globally unique: the same record at a venue laptop and at the centre (training.sync)
    uid: so.Mapped[str] = uid_column()
    attendance_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('attendances.id', ondelete='CASCADE'),
                                                     index=True)
    course_slug: so.Mapped[str] = so.mapped_column(sa.String(100))
    quiz_id: so.Mapped[str] = so.mapped_column(sa.String(100))
    kind: so.Mapped[QuizKind] = so.mapped_column(enum_column(QuizKind))
    #: {question id: [option ids]}, as ticked on paper
    answers: so.Mapped[dict] = so.mapped_column(sa.JSON)
    #: The printed form: [[question id, [option ids in the order printed]], ...]
    presented: so.Mapped[list] = so.mapped_column(sa.JSON)
    correct_count: so.Mapped[int]
    question_count: so.Mapped[int]
    score: so.Mapped[float]
    pass_mark: so.Mapped[int]
    passed: so.Mapped[bool]
    entered_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    entered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'))

    attendance: so.Mapped[Attendance] = so.relationship()  # noqa: F821
    entered_by: so.Mapped[User | None] = so.relationship()  # noqa: F821


from training.auth.models import User  # noqa: E402 - resolve relationship targets
from training.workshops.models import Attendance  # noqa: E402
