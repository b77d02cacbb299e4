"""Response headers: a strict Content-Security-Policy (no inline script or style) and friends; NUL bytes
refused in addresses, query strings and forms."""
from __future__ import annotations

from flask import abort, request
from flask.sessions import SecureCookieSessionInterface

CSP = '; '.join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


#: Endpoints whose responses never depend on the visitor (content-addressed static files).
SHARED_ENDPOINTS = frozenset({'static', 'assets.hashed'})


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that static files do not say ``Vary: Cookie``.

    Flask-Login reads the session after every request, so Flask would mark every response as varying by
    cookie, and a shared cache (or a proxy) would then keep one copy of the stylesheet per visitor.
    """

    def save_session(self, app, session, response):
        super().save_session(app, session, response)
        if request.endpoint in SHARED_ENDPOINTS and not session.modified:
            vary = [v for v in response.vary if v.lower() != 'cookie']
            if vary:
                response.headers['Vary'] = ', '.join(vary)
            else:
                response.headers.pop('Vary', None)


def _has_nul(values) -> bool:
    return any('\x00' in v for v in values if isinstance(v, str))


def refuse_nul_bytes():
    """400 for a request with a NUL byte in its address, query string, form or file names.

    No address, search or form of the site has a use for one, and PostgreSQL refuses NUL in text outright (a 500
    wherever such a value reached a query). Other control characters typed into a form get the form's own message
    (:class:`training.forms.Form`); in a search they simply find nothing.
    """
    if '\x00' in request.path or _has_nul(request.args.keys()) or _has_nul(
            v for _k, v in request.args.items(multi=True)):
        abort(400)
    if request.method in ('POST', 'PUT', 'PATCH', 'DELETE') and (
            _has_nul(request.form.keys()) or _has_nul(v for _k, v in request.form.items(multi=True))
            or _has_nul(f.filename for f in request.files.values())):
        abort(400)


def init_app(app):
    app.session_interface = SessionInterface()
    app.before_request(refuse_nul_bytes)

    @app.after_request
    def set_headers(response):
        response.headers.setdefault('Content-Security-Policy', CSP)
        response.headers.setdefault('X-Content-Type-Options', 'nosniff')
        response.headers.setdefault('Referrer-Policy', 'strict-origin-when-cross-origin')
        response.headers.setdefault('X-Frame-Options', 'DENY')
        response.headers.setdefault('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
        if app.config.get('SESSION_COOKIE_SECURE'):
            response.headers.setdefault('Strict-Transport-Security', 'max-age=31536000')
        return response
