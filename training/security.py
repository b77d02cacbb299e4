"""Response headers: a strict Content-Security-Policy (no inline script or style) and friends."""
from __future__ import annotations

from flask import request
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


def init_app(app):
    app.session_interface = SessionInterface()

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
