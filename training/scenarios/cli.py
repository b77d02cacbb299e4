"""Scenarios commands: ``flask frameworks list``."""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from training.content import registry

frameworks = click.Group('frameworks', help='Risk-assessment frameworks (scenarios/frameworks/*.yaml).')


def framework_data(fw) -> dict:
    return {
        'id': fw.id, 'title': fw.title, 'short_title': fw.short_title, 'year': fw.year,
        'publisher': fw.publisher, 'document': fw.document,
        'checked': fw.checked, 'checked_against': list(fw.checked_against),
        'factor_count': len(fw.factors), 'indicator_count': fw.indicator_count,
        'factors': [{'id': f.id, 'title': f.title, 'group': f.group, 'verified': f.verified,
                     'indicator_count': len(f.indicators),
                     'indicators': [{'id': i.id, 'text': i.text} for i in f.indicators]} for f in fw.factors],
    }


@frameworks.command('list')
@click.option('--format', 'fmt', type=click.Choice(['text', 'json']), default='text', show_default=True)
@with_appcontext
def list_frameworks(fmt):
    """List each framework with its factors and the number of indicators of each."""
    data = [framework_data(fw) for fw in sorted(registry().frameworks.values(), key=lambda f: f.id)]
    if fmt == 'json':
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for fw in data:
        click.echo(f'{fw["id"]}  {fw["title"]} ({fw["year"]}): '
                   f'{fw["factor_count"]} factors, {fw["indicator_count"]} indicators')
        for f in fw['factors']:
            checked = 'verified' if f['verified'] else 'not verified'
            click.echo(f'  {f["id"]:>3}  [{f["group"]}] {f["title"]}  ({f["indicator_count"]} indicators, {checked})')


#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES).
commands: list = [frameworks]
