"""Scenarios: the form data a trainee or a team posts for one stage."""
from __future__ import annotations


def stage_data(stage, *, expert=True, option=None, level=None, justification='', indicators=None):
    """Form data for a stage: the expert key (default), or a given level/option for every factor."""
    data = {}
    for i, key in enumerate(stage.assess):
        data[f'f{i}_level'] = level or key.level
        data[f'f{i}_indicators'] = list(key.indicators if indicators is None else indicators)
        data[f'f{i}_evidence'] = list(key.evidence) if expert else []
        data[f'f{i}_justification'] = justification
    best = max(stage.decision.options, key=lambda o: o.score)
    data['option'] = option or best.id
    return data
