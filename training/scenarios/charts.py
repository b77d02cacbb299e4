"""Geometry for the server-rendered SVG charts (the template draws; this module only computes)."""
from __future__ import annotations

from training.scenarios import engine
from training.scenarios.labels import level_title

LABEL_WIDTH = 290
COLUMN_WIDTH = 92
ROW_HEIGHT = 30
TOP = 34
SCORE_WIDTH = 70


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + '…'


def _label(stage_id: str, factor_id: str, title: str) -> str:
    prefix = f'{stage_id} · {factor_id} '
    return prefix + _short(title, max(8, 40 - len(prefix)))


def factor_chart(items, framework, *, rtl: bool = False) -> dict:
    """A dot plot: one row per assessed factor, the 4 levels as columns; the key is a hollow square, the answer
    a filled circle (shapes and a text score keep it readable without colour). ``rtl``: mirrored for a
    right-to-left language (labels on the right, levels rising leftwards, scores on the left)."""
    width = LABEL_WIDTH + COLUMN_WIDTH * len(engine.LEVELS) + SCORE_WIDTH

    def x(value: int) -> int:
        return width - value if rtl else value
    columns = [{'x': x(LABEL_WIDTH + COLUMN_WIDTH * i + COLUMN_WIDTH // 2), 'label': level_title(lvl)}
               for i, lvl in enumerate(engine.LEVELS)]
    rows = []
    for n, (stage, fr) in enumerate(items):
        factor = framework.factor(fr.factor) if framework else None
        y = TOP + ROW_HEIGHT * n + ROW_HEIGHT // 2
        rows.append({
            'y': y,
            'label': _label(stage.id, fr.factor, factor.title if factor else ''),
            'title': f'{stage.title}: {factor.title if factor else fr.factor}',
            'key_x': columns[engine.LEVELS.index(fr.expert_level)]['x'],
            'you_x': columns[engine.LEVELS.index(fr.level)]['x'] if fr.level else None,
            'level': level_title(fr.level), 'expert': level_title(fr.expert_level),
            'score': f'{fr.points:.1f}/{fr.max_points:g}',
            'verdict': fr.verdict,
        })
    grid = sorted((x(LABEL_WIDTH), x(LABEL_WIDTH + COLUMN_WIDTH * len(engine.LEVELS))))
    return {'columns': columns, 'rows': rows, 'width': width, 'height': TOP + ROW_HEIGHT * len(rows) + 8,
            'grid_left': grid[0], 'grid_right': grid[1], 'label_x': x(4), 'score_x': x(width - 4),
            'column_width': COLUMN_WIDTH, 'rtl': rtl}
