"""Translated titles for the scenario vocabularies, and feedback notes turned into sentences."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from training.i18n import _l

LEVEL_TITLES = {
    'low': _l('Low'),
    'moderate': _l('Moderate'),
    'high': _l('High'),
    'very_high': _l('Very high'),
}
EVIDENCE_KINDS = {
    'news_report': _l('News report'),
    'ngo_report': _l('NGO report'),
    'diplomatic_cable': _l('Diplomatic cable'),
    'statistics': _l('Statistics'),
    'testimony': _l('Testimony'),
    'social_media_post': _l('Social media post'),
    'official_statement': _l('Official statement'),
    'un_report': _l('UN report'),
    'media_monitoring': _l('Media monitoring'),
}
OUTCOMES = {
    'averted': _l('Atrocities averted'),
    'contained': _l('Violence contained'),
    'escalated': _l('Escalation'),
}
FACTOR_GROUPS = {
    'common': _l('Common risk factor'),
    'genocide': _l('Specific to genocide'),
    'crimes_against_humanity': _l('Specific to crimes against humanity'),
    'war_crimes': _l('Specific to war crimes'),
    'category': _l('Category'),
}
VERDICTS = {
    'right': _l('As the key'),
    'over': _l('Over'),
    'under': _l('Under'),
    'missing': _l('No answer'),
}


def level_title(level: str | None) -> str:
    return str(LEVEL_TITLES.get(level, '—')) if level else '—'


def diff_label(diff: int | None) -> str:
    """A text mark for a level difference, readable without colour: "=", "+1", "−2" or "—"."""
    if diff is None:
        return '—'
    if diff == 0:
        return '='
    return f'+{diff}' if diff > 0 else f'\u2212{-diff}'


def _level_note(code: str, p: dict) -> str:
    if code == 'level_right':
        return _('Risk level: %(level)s, as in the key.', level=level_title(p['level']))
    if code == 'level_over':
        return ngettext('Risk level: you rated it %(level)s; the key says %(expert)s (%(num)d step too high).',
                        'Risk level: you rated it %(level)s; the key says %(expert)s (%(num)d steps too high).',
                        p['steps'], level=level_title(p['level']), expert=level_title(p['expert']))
    if code == 'level_under':
        return ngettext('Risk level: you rated it %(level)s; the key says %(expert)s (%(num)d step too low).',
                        'Risk level: you rated it %(level)s; the key says %(expert)s (%(num)d steps too low).',
                        p['steps'], level=level_title(p['level']), expert=level_title(p['expert']))
    return _('Risk level: not given; the key says %(expert)s.', expert=level_title(p['expert']))


def _indicator_note(code: str, p: dict, framework) -> str:
    if code == 'indicators_right':
        if p.get('count'):
            return _('Indicators: the same as the key.')
        return _('Indicators: none marked, as in the key.')
    ind = framework.indicator_map.get(p['indicator']) if framework else None
    text = ind.text if ind else ''
    if code == 'indicator_missed':
        return _('Missed indicator %(id)s: the key sees it in the evidence. %(text)s', id=p['indicator'], text=text)
    return _('Indicator %(id)s is not supported by the evidence at this stage, according to the key. %(text)s',
             id=p['indicator'], text=text)


def _evidence_note(code: str, p: dict) -> str:
    if code == 'evidence_missed':
        return _('Evidence the key relies on that you did not cite: %(ids)s.', ids=', '.join(p['evidence']))
    if code == 'evidence_extra':
        return _('Evidence you cited that the key does not rely on: %(ids)s.', ids=', '.join(p['evidence']))
    return _('Evidence cited: the same as the key.')


def _decision_note(code: str, p: dict) -> str:
    if code == 'decision_best':
        return _('Decision: one of the strongest options here (%(score)d/10).', score=p['score'])
    if code == 'decision_other':
        return _('Decision: %(score)d/10. The strongest option here: %(best)s.', score=p['score'],
                 best=', '.join(p['best']))
    return _('Decision: none chosen. The strongest option here: %(best)s.', best=', '.join(p['best']))


_LEVEL_NOTES = ('level_right', 'level_over', 'level_under', 'level_missing')
_INDICATOR_NOTES = ('indicator_missed', 'indicator_extra', 'indicators_right')
_EVIDENCE_NOTES = ('evidence_missed', 'evidence_extra', 'evidence_right')
_DECISION_NOTES = ('decision_best', 'decision_other', 'decision_missing')


def note_text(note, framework=None, scenario=None) -> str:
    """The sentence for one feedback note of the engine (its code and parameters), in the current language."""
    p = dict(note.params)
    code = note.code
    if code in _LEVEL_NOTES:
        return _level_note(code, p)
    if code in _INDICATOR_NOTES:
        return _indicator_note(code, p, framework)
    if code in _EVIDENCE_NOTES:
        return _evidence_note(code, p)
    if code in _DECISION_NOTES:
        return _decision_note(code, p)
    return code
