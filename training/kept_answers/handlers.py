"""When answers to a quiz or a stage cannot be taken -- the session had expired (the form's CSRF token no longer
matches) or the trainee had signed out, here or in another tab -- they are kept, and the trainee is sent to sign in
and then back to the form, filled in again, instead of meeting a raw "CSRF token" error with the answers lost.
Any other form whose token has expired gets a plain message instead of the token error."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from training.error_pages import render_error
from training.extensions import db, login_manager
from training.i18n import _
from training.kept_answers import services


def _keep_and_go_back():
    """Keep the posted answers; back to the form (through the sign-in page when signed out)."""
    token = services.keep(request.path, request.form)
    db.session.commit()
    back = f'{request.path}?restore={token}'
    if current_user.is_authenticated:
        flash(_('This page had been open for a long time, so your answers were not sent. They are kept: check '
                'them below and send them again.'), 'info')
        return redirect(back)
    flash(_('Your session had ended, so your answers were not sent. They are kept: sign in again and you will '
            'find them filled in.'), 'info')
    return redirect(url_for('auth.login', next=back))


def _is_answer_form() -> bool:
    return request.method == 'POST' and request.endpoint in services.ENDPOINTS


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(_exc):
        if _is_answer_form():
            return _keep_and_go_back()
        return render_error(400, _('This form was open for too long, or your session has ended. Reload the page '
                                   'and send the form again.'))

    @login_manager.unauthorized_handler
    def _unauthorized():
        if _is_answer_form():
            return _keep_and_go_back()
        if login_manager.login_message:
            flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip('?')))
