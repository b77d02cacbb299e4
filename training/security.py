"""Response headers: a strict Content-Security-Policy (no inline script or style) and friends; NUL bytes
refused in addresses, query strings and forms; CSRF tokens signed once per session."""
from __future__ import annotations

from flask import abort, current_app, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf

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
#: Sent with every response that does not set its own (and Strict-Transport-Security where cookies are secure-only)
SECURITY_HEADERS = {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
}


#: Endpoints whose responses never depend on the visitor (content-addressed static files).
SHARED_ENDPOINTS = frozenset({'static', 'assets.hashed'})


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that static files do not say ``Vary: Cookie``.

    Flask-Login reads the session after every request, so Flask would mark every response as varying by
    cookie, and a shared cache (or a proxy) would then keep one copy of the stylesheet per visitor.

    The signing serializer is made once per set of keys, not twice a request as Flask does (building one
    serialises a probe value to learn its type: about 5% of a signed-in request that reads one row).
    """

    _signing: tuple[tuple, object] | None = None

    def get_signing_serializer(self, app):
        keys = (app.secret_key, *(app.config.get('SECRET_KEY_FALLBACKS') or ()))
        kept = self._signing
        if kept is None or kept[0] != keys:
            kept = self._signing = (keys, super().get_signing_serializer(app))
        return kept[1]

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


#: Signed CSRF tokens kept per process and app, at most this many (then started afresh)
MAX_SIGNED_TOKENS = 10_000


def _kept_tokens(app) -> tuple[str, dict] | None:
    """(the session's key for the token, {raw session token: its signed form}) for ``app``, or None when a token may
    expire: a signed token then carries its time of signing and must be signed anew (Flask-WTF's default, when
    ``WTF_CSRF_TIME_LIMIT`` is not set, is an hour)."""
    if app.config.get('WTF_CSRF_TIME_LIMIT', 3600) is not None:
        return None
    return app.config.get('WTF_CSRF_FIELD_NAME', 'csrf_token'), {}


def _kept() -> tuple[str, dict] | None:
    """This app's kept tokens (:func:`_kept_tokens`), or None outside a request (a form built by a script: Flask-WTF
    decides) or when tokens expire."""
    return current_app.extensions.get('signed_csrf_tokens') if has_request_context() else None


def seed_csrf_token() -> str | None:
    """Before Flask-WTF makes this request's CSRF token (``generate_csrf``): give it the session's token as signed
    earlier, and return it. Flask-WTF signs the session's token anew on every request that shows or checks a form
    (an HMAC and a timestamp, about 2 % of a page; issue 18); with no time limit (``WTF_CSRF_TIME_LIMIT = None``)
    the earlier signature is exactly as valid. None when there is none: a form built outside a request (Flask-WTF
    decides), a time limit, a session without a token yet."""
    kept = _kept()
    if kept is None:
        return None
    name, tokens = kept
    signed = g.get(name)
    if signed is None:
        raw = session.get(name)
        signed = tokens.get(raw) if raw else None
        if signed is not None:
            setattr(g, name, signed)
    return signed


def remember_csrf_token() -> None:
    """After Flask-WTF made this request's token: keep it for the session's next requests."""
    kept = _kept()
    if kept is None:
        return
    name, tokens = kept
    signed, raw = g.get(name), session.get(name)
    if not signed or not raw or tokens.get(raw) == signed:
        return
    if len(tokens) >= MAX_SIGNED_TOKENS:
        tokens.clear()
    tokens[raw] = signed


def csrf_token() -> str:
    """This request's CSRF token (Flask-WTF's ``generate_csrf``), signed once per session (:func:`seed_csrf_token`)."""
    token = seed_csrf_token()
    if token is None:
        token = generate_csrf()
        remember_csrf_token()
    return token


def init_app(app):
    app.session_interface = SessionInterface()
    app.extensions['signed_csrf_tokens'] = _kept_tokens(app)
    app.before_request(refuse_nul_bytes)

    security_headers = dict(SECURITY_HEADERS)
    if app.config.get('SESSION_COOKIE_SECURE'):
        security_headers['Strict-Transport-Security'] = 'max-age=31536000'

    @app.after_request
    def set_headers(response):
        """Each security header the view did not set itself. (One look at the headers: werkzeug answers each
        ``in`` or ``setdefault`` for a missing header by raising and catching an exception.)"""
        present = {name.lower() for name in response.headers.keys()}
        for name, value in security_headers.items():
            if name.lower() not in present:
                response.headers.add(name, value)
        return response
