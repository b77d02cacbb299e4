"""Template globals and filters shared by every page."""
from __future__ import annotations

import functools
import re
from datetime import date, datetime

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import current_app, g, render_template, request, url_for
from flask.templating import Environment as FlaskEnvironment
from flask_babel import format_date, get_locale, get_timezone
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from training import rendered, security
from training.assets import asset_url
from training.auth.models import Role
from training.forms import choice_items
from training.i18n import LANGUAGE_LABELS, LANGUAGE_NAMES, RTL_LOCALES, _, _l, is_rtl
from training.vocab import country_name

#: Languages written right to left: <html dir="rtl"> (the stylesheet uses logical properties throughout).

#: Main navigation: (endpoint, label, roles or None for everyone). A later domain adds its own entry here.
NAVIGATION: list[tuple[str, object, tuple | None]] = [
    ('courses.catalogue', _l('Courses'), None),
    ('courses.my_learning', _l('My learning'), ()),
    ('scenarios.list_exercises', _l('Exercises'), None),
    ('scenarios.list_frameworks', _l('Frameworks'), None),
]
#: Management navigation, shown to users holding one of the roles.
MANAGE_NAVIGATION: list[tuple[str, object, tuple]] = [
    ('workshops.list_sessions', _l('Training sessions'), (Role.trainer, Role.staff, Role.admin)),
    ('scenarios.manage_live', _l('Live runs'), (Role.trainer, Role.admin)),
    ('reports.programme', _l('Reports'), (Role.staff, Role.admin)),
    ('courses.manage_courses', _l('Course results'), (Role.trainer, Role.staff, Role.admin)),
    ('courses.manage_certificates', _l('Certificates'), (Role.admin,)),
    ('auth.list_users', _l('Users'), (Role.admin,)),
    ('audit.events', _l('Audit log'), (Role.admin,)),
]


_EMPTY_HEADER = re.compile(r'<th( align="[a-z]+")?>\s*</th>')


def scroll_tables(html, labelledby: str | None = None):
    """Sanitised content HTML (Markdown) with each table in a keyboard-reachable, named scroll region (a wide
    table scrolls inside it on a narrow screen instead of widening the page), and empty header cells (the
    corner of a two-way table) as plain cells. The first table is named by the element ``labelledby`` when
    given (the heading of the evidence item); the others "Table n", numbered across the page."""
    html = str(html)
    if '<table>' not in html:
        return Markup(html)  # noqa: S704 - already sanitised content
    parts = html.split('<table>')
    out = [parts[0]]
    for n, part in enumerate(parts[1:]):
        if labelledby and n == 0:
            name = f'aria-labelledby="{escape(labelledby)}"'
        else:
            g.tables_named = g.get('tables_named', 0) + 1
            name = f'aria-label="{escape(_("Table %(n)d", n=g.tables_named))}"'
        out.append(f'<div class="table-scroll" tabindex="0" role="region" {name}><table>'
                   + part.replace('</table>', '</table></div>', 1))
    return Markup(_EMPTY_HEADER.sub(r'<td\1></td>', ''.join(out)))  # noqa: S704 - sanitised content, our markup


def _visible(items, app, held: frozenset | None) -> list:
    """The entries of a menu shown to someone holding the roles ``held`` (None: not signed in)."""
    out = []
    for endpoint, label, roles in items:
        if endpoint not in app.view_functions:
            continue
        if roles == () and held is None:
            continue
        if roles and not (held and held.intersection(roles)):
            continue
        out.append((endpoint, label))
    return out


def _menus(app, held: frozenset | None) -> tuple[list, list]:
    """The main and management menus for the roles ``held``, worked out once per set of roles (they are the same
    for everyone holding them; the labels are translated when shown)."""
    known = app.extensions.setdefault('menus', {})
    menus = known.get(held)
    if menus is None:
        menus = known[held] = (_visible(NAVIGATION, app, held), _visible(MANAGE_NAVIGATION, app, held))
    return menus


def menu(app) -> Markup:
    """The menus as HTML (templates/_menu.html), rendered once per set of roles, page (its link is marked current),
    language and mount point: nothing in them is personal (issue 18)."""
    held = frozenset(current_user.roles) if current_user.is_authenticated else None
    endpoint = request.endpoint

    def context() -> dict:
        nav_items, manage_items = _menus(app, held)
        return {'nav_items': nav_items, 'manage_items': manage_items, 'current': endpoint}

    return rendered.fragment('_menu.html', ('menu', held, endpoint), context)


@functools.lru_cache(maxsize=8192)
def _number(value, locale: str) -> str:
    return babel_numbers.format_decimal(value, locale=locale)


@functools.lru_cache(maxsize=8192)
def _date(value: date, fmt: str, locale: str) -> str:
    return babel_dates.format_date(value, format=fmt, locale=locale)


@functools.lru_cache(maxsize=4096)
def _percent(value, fmt: str | None, locale: str) -> str:
    return babel_numbers.format_percent(value, format=fmt, locale=locale)


def interface_language() -> str:
    """The code of the interface language (``current_locale`` in every page)."""
    return str(get_locale() or 'en')


def _page_language(context) -> str:
    """The language of the page being rendered: its ``current_locale``, set once per page, else (in a macro
    imported without context) looked up. A report page formats thousands of numbers and dates; looking the
    language up for each took a tenth of its rendering."""
    return context.get('current_locale') or interface_language()


@pass_context
def numberformat(context, value) -> str:
    """Flask-Babel's ``numberformat`` filter, remembered per value and language: a report table formats thousands
    of numbers, a tenth of the page's time."""
    return _number(value, _page_language(context))


@pass_context
def dateformat(context, value, fmt: str = 'medium') -> str:
    """Flask-Babel's ``dateformat`` filter, remembered per date, format and language (a date and time goes to
    Flask-Babel: it is shown in the user's time zone)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        return format_date(value, fmt)
    return _date(value, fmt, _page_language(context))


@pass_context
def clock(context, value: datetime, zone=None) -> str:
    """A time of day, ``HH:mm``, in ``zone`` (a workshop's own: ``TrainingSession.time_zone``), or in the request's
    time zone (Flask-Babel's, ``BABEL_DEFAULT_TIMEZONE``) without one."""
    return babel_dates.format_time(value, 'HH:mm', tzinfo=zone or get_timezone(), locale=_page_language(context))


@pass_context
def zone_name(context, zone=None) -> str:
    """How :func:`clock` names its time zone: "Kenya Time", "heure : Kenya"; without one, the request's zone by its
    identifier ("UTC"), as the pages said before."""
    if zone is None:
        return str(get_timezone())
    return babel_dates.get_timezone_location(zone, locale=_page_language(context))


@pass_context
def percentformat(context, value, fmt: str | None = None) -> str:
    """Flask-Babel's ``percentformat`` filter, remembered per value and language (the progress shown on every lesson
    and in the catalogue)."""
    return _percent(value, fmt, _page_language(context))


def path_for(endpoint: str) -> str:
    """``url_for(endpoint)`` for an endpoint that takes no arguments, worked out once per mount point: the links
    of every page's header and footer (six url_for calls were a seventh of a lesson page's rendering)."""
    paths = current_app.extensions.setdefault('page_paths', {})
    key = (endpoint, request.script_root)
    path = paths.get(key)
    if path is None:
        path = url_for(endpoint)
        if len(paths) < 1000:  # a few endpoints under one or two mount points: never more, whatever a request says
            paths[key] = path
    return path


class Environment(FlaskEnvironment):
    """Flask's template environment, where a template without globals of its own reads the environment's globals
    directly. Jinja gives each template a ChainMap over them, which it walks in Python for every page rendered
    (``new_context``) and every ``{% from ... import %}`` (a page imported the shared macros in 15 µs, rendered its
    context in 17; issue 18). We never give a template globals of its own, and add ours before serving."""

    def make_globals(self, d):
        return super().make_globals(d) if d else self.globals


#: Marks a gap in the rendered frame (a character no template or translation contains)
GAP = '\x00'
#: The gaps of the frame: the request's own values, then the page's parts (base.html)
GAPS = frozenset({'csrf_token', 'next', 'user_name', 'title', 'head', 'flashes', 'content', 'form_script', 'scripts'})


def page_frame(**parts) -> Markup:
    """The page: the frame (templates/_frame.html) with the page's ``parts`` (markup: title, head, flashes, content,
    form_script, scripts) and the request's own values in its gaps. The frame is rendered once per language, roles,
    page and mount point, and nothing in it is personal: rendering it for every page was a sixth of a lesson's
    time (issue 18)."""
    held = frozenset(current_user.roles) if current_user.is_authenticated else None
    key = (str(get_locale() or ''), held, request.endpoint, request.script_root)
    frames = current_app.extensions.setdefault('page_frames', {})
    pieces = frames.get(key)
    if pieces is None:
        html = render_template('_frame.html', gap=_gap, signed_in=held is not None, endpoint=request.endpoint)
        pieces = tuple(html.split(GAP))
        if not set(pieces[1::2]) <= GAPS:
            raise RuntimeError(f'_frame.html: unknown gaps {set(pieces[1::2]) - GAPS}')
        if len(frames) < 5000:  # a few languages, sets of roles and pages: never more, whatever requests say
            frames[key] = pieces
    values = {'csrf_token': security.csrf_token(), 'next': escape(request.full_path.rstrip('?')),
              'user_name': escape(current_user.name) if held is not None else '', **parts}
    return Markup(''.join([values[p] if i % 2 else p for i, p in enumerate(pieces)]))  # noqa: S704 - escaped


def _gap(name: str) -> Markup:
    return Markup(f'{GAP}{name}{GAP}')  # noqa: S704 - a name of ours


def init_app(app):
    # What the shared macros (templates/_macros.html) need from outside, as globals: pages then import them without
    # their context, so the macros are made once, not once per page with a reference cycle each (issue 18)
    app.jinja_env.globals.update(csrf_token_value=security.csrf_token, choice_items=choice_items,
                                 language_labels=LANGUAGE_LABELS, path_for=path_for,
                                 interface_language=interface_language, page_frame=page_frame)

    @app.context_processor
    def inject():
        rtl = is_rtl()
        return {
            'arrow_back': '→' if rtl else '←', 'arrow_forward': '←' if rtl else '→',
            'crumb_separator': '›',  # a mirrored character: bidi shows it as ‹ in a right-to-left page
            'asset_url': asset_url,
            'current_locale': interface_language(),
            'language_names': LANGUAGE_NAMES,
            'rtl_locales': RTL_LOCALES,
            'country_name': country_name,
            'menu': lambda: menu(app),
            'Role': Role,
        }

    app.add_template_filter(scroll_tables)
    app.add_template_filter(numberformat)
    app.add_template_filter(dateformat)
    app.add_template_filter(percentformat)
    app.add_template_filter(clock)
    app.add_template_filter(zone_name)

    @app.template_filter('here')
    def here(_value=None):
        """The current path with its query string, for ``next=`` parameters."""
        return request.full_path.rstrip('?')
