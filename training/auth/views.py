from __future__ import annotations

import hashlib
import hmac

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from training.auth import queries, services, sessions
from training.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    UserAdminForm,
)
from training.auth.models import Role, User
from training.auth.permissions import ADMINS, login_required, public, roles_required
from training.error_pages import render_error
from training.errors import TrainingError
from training.extensions import db, limiter
from training.forms import ConfirmForm
from training.i18n import _
from training.text import email_key
from training.vocab import OrganisationType
from training.web import paginate, report_error, safe_next

bp = Blueprint('auth', __name__)


def _login_failed(response) -> bool:
    """What counts against a sign-in limit: a refused sign-in (the form shown again). Not a success, and not a
    server error (a database outage must not lock anyone out once it is over)."""
    return response.status_code == 200


def _account() -> str:
    """The account a sign-in names, as a keyed hash (no address is stored in the limits table)."""
    key = email_key(request.form.get('email', '')[:254])
    return hmac.new(current_app.secret_key.encode(), key.encode(), hashlib.sha256).hexdigest()[:32]


def _account_here_key() -> str:
    """One account from one client address: an attacker elsewhere cannot lock its owner out."""
    return f'login-account:{_account()}:{get_remote_address()}'


def _account_key() -> str:
    """One account from every address: a looser ceiling on guesses spread over many addresses."""
    return f'login-account-all:{_account()}'


def throttled_login(exc):
    """The sign-in form again, with a clear message, when a sign-in limit is reached (429)."""
    form = LoginForm()
    limit = getattr(exc, 'limit', None)
    seconds = limit.limit.get_expiry() if limit is not None else 600
    form.email.errors = [_('Too many sign-in attempts. For your security, please wait %(minutes)d minutes '
                           'and try again.', minutes=max(1, seconds // 60))]
    return make_response(render_template('auth/login.html', form=form), 429)


@bp.app_errorhandler(429)
def too_many_requests(exc):
    """A limit reached: on the sign-in page, the form again with the message; elsewhere the generic page."""
    if request.endpoint == 'auth.login':
        return throttled_login(exc)
    return render_error(429)


@bp.route('/login', methods=['GET', 'POST'])
@limiter.limit(lambda: current_app.config['LOGIN_LIMIT_PER_ADDRESS'], methods=['POST'],
               deduct_when=_login_failed)
@limiter.limit(lambda: current_app.config['LOGIN_LIMIT_PER_ACCOUNT'], methods=['POST'],
               key_func=_account_here_key, deduct_when=_login_failed)
@limiter.limit(lambda: current_app.config['LOGIN_LIMIT_PER_ACCOUNT_ALL'], methods=['POST'], key_func=_account_key,
               deduct_when=_login_failed)
@public
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get('next'), url_for('main.index')))
    form = LoginForm()
    if request.method == 'GET' and session.get('sign_in_email'):
        form.email.data = session.pop('sign_in_email')
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_('The email address or password is incorrect.'))
        elif not user.is_active:
            form.email.errors.append(_('This account has been deactivated. Contact the programme team.'))
        else:
            sessions.sign_in(user, remember=form.remember.data)
            services.record_login(user)
            db.session.commit()
            flash(_('Welcome, %(name)s.', name=user.name), 'success')
            return redirect(safe_next(request.args.get('next'), url_for('main.index')))
    return render_template('auth/login.html', form=form)


@bp.route('/logout', methods=['POST'])
@login_required
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        lang = session.get('lang')
        sessions.sign_out(current_user.record)
        db.session.commit()
        session.clear()
        if lang:
            session['lang'] = lang
        flash(_('You have signed out.'), 'info')
    return redirect(url_for('main.index'))


@bp.route('/register', methods=['GET', 'POST'])
@limiter.limit(lambda: current_app.config['REGISTER_LIMIT'], methods=['POST'])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for('main.index'))
    form = RegistrationForm()
    if request.method == 'GET':
        form.preferred_language.data = session.get('lang') or request.accept_languages.best_match(
            current_app.config['LANGUAGES']) or 'en'
    if form.validate_on_submit() and _register(form):
        # The same answer whether the address was free or not (no account enumeration): sign in to go on.
        session['sign_in_email'] = form.email.data
        flash(_('Your account is ready: sign in with your email address and password. If this address already had '
                'an account, sign in with that account\'s password, or ask the programme team for a reset link.'),
              'success')
        return redirect(url_for('auth.login'))
    return render_template('auth/register.html', form=form)


def _register(form: RegistrationForm) -> bool:
    """Create the account the form describes (nothing when its address has one already). False: a rule was broken,
    its message is on the form."""
    try:
        services.register(
            email=form.email.data, name=form.name.data, password=form.password.data,
            country=form.country.data or None, organisation=form.organisation.data or None,
            organisation_type=OrganisationType[form.organisation_type.data] if form.organisation_type.data else None,
            preferred_language=form.preferred_language.data)
        db.session.commit()
    except TrainingError as exc:
        db.session.rollback()
        report_error(form, exc)
        return False
    except IntegrityError:  # the same address signed up at the same moment: the answer for any taken address
        db.session.rollback()
    return True


@bp.route('/account', methods=['GET', 'POST'])
@login_required
def profile():
    account = current_user.record
    form = ProfileForm(obj=account)
    if request.method == 'GET':
        form.organisation_type.data = account.organisation_type.name if account.organisation_type else ''
        form.country.data = account.country or ''
    if form.validate_on_submit():
        account.name = form.name.data
        account.country = form.country.data or None
        account.organisation = form.organisation.data or None
        account.organisation_type = (OrganisationType[form.organisation_type.data]
                                     if form.organisation_type.data else None)
        account.preferred_language = form.preferred_language.data
        session['lang'] = form.preferred_language.data
        db.session.commit()
        flash(_('Your profile has been saved.'), 'success')
        return redirect(url_for('auth.profile'))
    return render_template('auth/profile.html', form=form)


@bp.route('/account/password', methods=['GET', 'POST'])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        account = current_user.record
        if not services.check_password(account, form.current.data):
            form.current.errors.append(_('This is not your current password.'))
        else:
            services.set_password(account, form.password.data)
            sessions.end_other_sessions(account)
            db.session.commit()
            flash(_('Your password has been changed.'), 'success')
            return redirect(url_for('auth.profile'))
    return render_template('auth/change_password.html', form=form)


@bp.route('/reset/<token>', methods=['GET', 'POST'])
@public
def reset_password(token):
    row = services.find_reset_token(token)
    if row is None:
        return render_template('auth/reset_invalid.html'), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.use_reset_token(row, form.password.data)
        db.session.commit()
        flash(_('Your password has been set. You can now sign in.'), 'success')
        return redirect(url_for('auth.login'))
    return render_template('auth/reset_password.html', form=form, user=row.user)


# --- administration -------------------------------------------------------------------------------------------

@bp.route('/manage/users')
@roles_required(*ADMINS)
def list_users():
    q = request.args.get('q', '').strip()
    role = request.args.get('role', '')
    page = paginate(queries.users_query(q, role), per_page=50)
    return render_template('admin/users.html', page=page, q=q, role=role, roles=list(Role))


@bp.route('/manage/users/<int:user_id>', methods=['GET', 'POST'])
@roles_required(*ADMINS)
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    form = UserAdminForm()
    if request.method == 'GET':
        form.roles.data = [r.name for r in user.roles]
        form.is_active.data = user.is_active
    if form.validate_on_submit():
        try:
            services.set_roles(user, {Role[r] for r in form.roles.data or ()}, by=current_user)
            services.set_active(user, form.is_active.data, by=current_user)
        except TrainingError as exc:
            db.session.rollback()
            flash(exc.message, 'error')
        else:
            db.session.commit()
            flash(_('Changes to %(name)s saved.', name=user.name), 'success')
            return redirect(url_for('auth.edit_user', user_id=user.id))
    return render_template('admin/user.html', user=user, form=form, reset_form=ConfirmForm(), reset_link=None)


@bp.route('/manage/users/<int:user_id>/reset-link', methods=['POST'])
@roles_required(*ADMINS)
def issue_reset_link(user_id):
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    hours = int(current_app.config['PASSWORD_RESET_HOURS'])
    token = services.issue_reset_token(user, by=current_user, hours=hours)
    db.session.commit()
    link = url_for('auth.reset_password', token=token, _external=True)
    mailed = False
    if current_app.config.get('MAIL_SERVER'):
        try:
            services.send_mail(current_app.config, to=user.email, subject=_('Set your password'),
                               body=_('Open this link within %(hours)d hours to set a new password:\n\n%(link)s',
                                      hours=hours, link=link))
            mailed = True
        except OSError:
            current_app.logger.exception('Could not send the reset link to %s', user.email)
            flash(_('The mail server could not be reached; give the link below to the user yourself.'), 'error')
    if mailed:
        flash(_('A reset link has been sent to %(email)s.', email=user.email), 'success')
    admin_form = UserAdminForm(formdata=None, roles=[r.name for r in user.roles], is_active=user.is_active)
    return render_template('admin/user.html', user=user, form=admin_form, reset_form=ConfirmForm(),
                           reset_link=None if mailed else link, reset_hours=hours)
