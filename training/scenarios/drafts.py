"""Drafts of stage forms: what a player or a team has typed and not submitted yet, saved as they go (the "Save
draft" button, or static/js/stage-draft.js while they type) and given back when the page is opened again -- after
leaving it, or after the facilitator reopens a stage closed before the team submitted. Flushes, never commits."""
from __future__ import annotations

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from training.db import utcnow
from training.extensions import db
from training.kept_answers import services as kept_answers
from training.scenarios.models import ScenarioAttempt, StageDraft

#: Longest value kept per field (a justification is at most 1,000 characters), and values per field
MAX_VALUE = 1000
MAX_VALUES = 100


def field_names(stage) -> set[str]:
    """The fields of the stage form (training.scenarios.forms.stage_form_class): nothing else is kept."""
    names = {'option'}
    for i in range(len(stage.assess)):
        names |= {f'f{i}_level', f'f{i}_indicators', f'f{i}_evidence', f'f{i}_justification'}
    return names


def draft_for(attempt: ScenarioAttempt, stage_id: str) -> StageDraft | None:
    return db.session.scalar(sa.select(StageDraft).where(StageDraft.attempt_id == attempt.id,
                                                         StageDraft.stage_id == stage_id))


def save_draft(attempt: ScenarioAttempt, stage, formdata) -> StageDraft:
    """Keep the stage form's fields from ``formdata`` (a MultiDict) as the attempt's draft of ``stage``."""
    wanted = field_names(stage)
    data = {name: [str(v)[:MAX_VALUE] for v in formdata.getlist(name)][:MAX_VALUES]
            for name in formdata if name in wanted}
    draft = draft_for(attempt, stage.id)
    if draft is None:
        draft = StageDraft(attempt_id=attempt.id, stage_id=stage.id, data=data)
        db.session.add(draft)
    else:
        draft.data = data
    draft.updated_at = utcnow()
    db.session.flush()
    return draft


def discard_draft(attempt: ScenarioAttempt, stage_id: str) -> None:
    db.session.execute(sa.delete(StageDraft).where(StageDraft.attempt_id == attempt.id,
                                                   StageDraft.stage_id == stage_id))


def formdata_of(draft: StageDraft | None) -> MultiDict | None:
    """A draft as form data for the stage form (None without a draft)."""
    if draft is None:
        return None
    return MultiDict([(name, value) for name, values in (draft.data or {}).items() for value in values])


def drafts_of(attempt_ids: list[int], stage_id: str) -> dict[int, StageDraft]:
    """The drafts of ``stage_id`` by attempt id (for the facilitator: which teams have one)."""
    if not attempt_ids:
        return {}
    return {d.attempt_id: d for d in db.session.scalars(
        sa.select(StageDraft).where(StageDraft.attempt_id.in_(attempt_ids), StageDraft.stage_id == stage_id))}


def prefill(attempt: ScenarioAttempt, stage, path: str, token: str | None) -> tuple[MultiDict | None, str | None]:
    """What a stage form opens with: answers kept when the session had ended (``token``, for the form at
    ``path``), else the attempt's draft; and which of the two it is (``'restored'``, ``'draft'`` or None)."""
    kept = kept_answers.take(token, path)
    if kept is not None:
        return kept, 'restored'
    draft = formdata_of(draft_for(attempt, stage.id))
    return (draft, 'draft') if draft else (None, None)
