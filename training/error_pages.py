"""The application's error pages (HTML, or JSON for clients that ask for it)."""
from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from training.extensions import db
from training.i18n import _


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(['application/json', 'text/html'])
    return best == 'application/json' and request.accept_mimetypes[best] > request.accept_mimetypes['text/html']


def _titles():
    return {
        400: (_('Bad request'), _('The request could not be understood. If you submitted a form, '
                                  'reload the page and try again.')),
        403: (_('Access denied'), _('You do not have permission to open this page.')),
        404: (_('Page not found'), _('There is no page at this address. It may have been moved or retired.')),
        405: (_('Method not allowed'), _('This address does not accept that kind of request.')),
        413: (_('File too large'), _('The file you sent is larger than this site accepts.')),
        429: (_('Too many attempts'), _('Too many attempts in a short time. Please wait a few minutes and try again.')),
        500: (_('Something went wrong'),
              _('An unexpected error occurred. It has been logged; please try again later.')),
    }


def render_error(code: int, description: str | None = None):
    title, default_text = _titles().get(code, (str(code), ''))
    text = description or default_text
    if _wants_json():
        return jsonify(error=title, message=text), code
    template = f'errors/{code}.html' if code in (400, 403, 404, 500) else 'errors/generic.html'
    return render_template(template, code=code, title=title, text=text), code


def init_app(app):
    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if exc.code == 429:  # the sign-in page answers its own 429 (registered by the auth blueprint)
            return render_error(429)
        if exc.code in (400, 403, 404, 405, 413):
            # Our own abort(code, description) messages are user-facing; werkzeug's defaults are not translated.
            custom = exc.description if exc.description != type(exc).description else None
            return render_error(exc.code, custom)
        return exc

    @app.errorhandler(500)
    def handle_500(exc):
        db.session.rollback()
        return render_error(500)
