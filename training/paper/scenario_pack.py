"""A scenario exercise on paper: the brief, then each stage with its narrative and evidence, and after each stage an
assessment grid per team (risk level, indicators observed, evidence cited, justification, decision). The expert key
is never printed: the facilitator enters each team's grid on the live run's page, where it is scored."""
from __future__ import annotations

from training.content import registry
from training.i18n import _
from training.paper.pdf import Paper, plain
from training.scenarios import engine
from training.scenarios.labels import LEVEL_TITLES

MAX_TEAMS = 40


def _brief(pdf: Paper, scenario, framework) -> None:
    pdf.add_page()
    pdf.heading(scenario.title, 17)
    pdf.para(f'{scenario.country} · {framework.title if framework else scenario.framework}', 9, muted=True)
    pdf.para(plain(scenario.brief), 10)
    pdf.para(_('How to play on paper: read each stage and its evidence as a team, then fill in one assessment grid '
               'per team and give it to the facilitator, who enters it and shows the room how the teams compare with '
               'the expert assessment.'), 9, muted=True)


def _stage(pdf: Paper, stage, number: int) -> None:
    pdf.add_page()
    pdf.heading(_('Stage %(n)d: %(title)s', n=number, title=stage.title), 14)
    pdf.para(stage.date, 9, muted=True)
    pdf.para(plain(stage.narrative), 10)
    if stage.evidence:
        pdf.heading(_('Evidence'), 12)
        for ev in stage.evidence:
            pdf.ensure_space(20)
            pdf.para(f'[{ev.id}] {ev.title}', 10, bold=True, gap=0.5)
            pdf.para(ev.source, 8.5, muted=True, gap=0.5)
            pdf.para(plain(ev.text), 9.5)


def _grid(pdf: Paper, stage, framework, evidence_ids: list[str], number: int) -> None:
    pdf.add_page()
    pdf.heading(_('Assessment grid, stage %(n)d: %(title)s', n=number, title=stage.title), 12)
    pdf.blank_line(_('Team:'))
    for key in stage.assess:
        factor = framework.factor(key.factor) if framework else None
        pdf.ensure_space(40)
        pdf.para(_('Factor %(id)s', id=key.factor) + (f': {factor.title}' if factor else ''), 10.5, bold=True, gap=1)
        pdf.para(_('Risk level'), 8.5, muted=True, gap=0.5)
        pdf.boxes_line([str(LEVEL_TITLES[level]) for level in engine.LEVELS])
        if factor is not None:
            pdf.para(_('Indicators present'), 8.5, muted=True, gap=0.5)
            for indicator in factor.indicators:
                pdf.box(f'{indicator.id}  {indicator.text}', size=8.5, width=pdf.w - pdf.l_margin - pdf.r_margin)
                pdf.ln(5.5)
        pdf.para(_('Evidence cited'), 8.5, muted=True, gap=0.5)
        pdf.boxes_line(evidence_ids or ['—'])
        pdf.blank_line(_('Justification:'))
        pdf.blank_line('')
    pdf.ensure_space(30)
    pdf.para(stage.decision.prompt, 10.5, bold=True, gap=1)
    for option in stage.decision.options:
        pdf.box(option.text, size=9.5, width=pdf.w - pdf.l_margin - pdf.r_margin)
        pdf.ln(7)


def render(scenario, *, teams: int = 1, size: str = 'a4', subtitle: str = '') -> bytes:
    """The whole pack: the brief, and for each stage its text then ``teams`` grids to fill in."""
    teams = max(1, min(int(teams), MAX_TEAMS))
    framework = registry().framework(scenario.framework)
    pdf = Paper(_('Scenario exercise on paper'), size=size, subtitle=subtitle or scenario.title)
    _brief(pdf, scenario, framework)
    seen: list[str] = []
    for number, stage in enumerate(scenario.stages, 1):
        _stage(pdf, stage, number)
        seen += [ev.id for ev in stage.evidence]
        for _team in range(teams):
            _grid(pdf, stage, framework, list(seen), number)
    return pdf.output_bytes()
