"""Workshops pages: sessions, roster, attendance per day, sheet import, duplicates and merging, self check-in."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from training.auth.models import Role, User, UserRole
from training.auth.permissions import TRAINERS, public, roles_required
from training.db import utcnow
from training.errors import TrainingError
from training.extensions import db, limiter
from training.forms import ConfirmForm
from training.i18n import _
from training.vocab import OrganisationType
from training.workshops import checkin, imports, merging, queries, services
from training.workshops.forms import (
    AddExistingForm,
    AddPersonForm,
    AttendanceForm,
    CheckInSelfForm,
    CodeForm,
    ConfirmImportForm,
    EditPersonForm,
    ImportForm,
    MergeForm,
    OpenCheckInForm,
    SessionForm,
    WalkInForm,
)
from training.workshops.matching import near_matches
from training.workshops.models import (
    Attendance,
    AttendanceRole,
    CheckInWindow,
    PendingImport,
    Person,
    SessionMode,
    SessionStatus,
    Sex,
    TrainingSession,
)

bp = Blueprint('workshops', __name__)

#: Who may see sessions (programme staff read them for reports)
READERS = (Role.trainer, Role.staff, Role.admin)
MAX_UPLOAD = 5 * 1024 * 1024
PER_PAGE = 50
#: Above this many persons on record, near matches are listed one country at a time
NEAR_MATCH_LIMIT = 20_000


# -- helpers --------------------------------------------------------------------------------------------------------

def _session_or_404(session_id: int) -> TrainingSession:
    return db.get_or_404(TrainingSession, session_id)


def _attendance_or_404(session: TrainingSession, attendance_id: int) -> Attendance:
    attendance = db.session.get(Attendance, attendance_id)
    if attendance is None or attendance.session_id != session.id:
        abort(404)
    return attendance


def _day_or_404(session: TrainingSession, text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    if not session.start_date <= day <= session.end_date:
        abort(404)
    return day


def _form_error(form, exc: TrainingError) -> None:
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, 'errors'):
        target.errors = list(target.errors) + [exc.message]
    else:
        flash(exc.message, 'error')


def _course_choices():
    from training.content import registry
    courses = registry().courses
    # each title marked with its course's language (WCAG 3.1.2): (value, label, attributes of the <option>)
    return [('', _('— none —'))] + sorted(((slug, getattr(c, 'title', slug), {'lang': c.language})
                                           for slug, c in courses.items()), key=lambda kv: str(kv[1]).casefold())


def _course_title(slug: str) -> str:
    from training.content import registry
    course = registry().course(slug)
    return str(getattr(course, 'title', None) or slug)


def _trainer_choices():
    stmt = (sa.select(User).join(UserRole).where(UserRole.role.in_([Role.trainer, Role.admin]), User.is_active)
            .distinct().order_by(User.name))
    return [(u.id, f'{u.name} <{u.email}>') for u in db.session.scalars(stmt)]


def _session_form(obj=None) -> SessionForm:
    form = SessionForm(obj=obj)
    form.course_slug.choices = _course_choices()
    form.trainers.choices = _trainer_choices()
    if request.method == 'GET':
        if obj is not None:
            form.status.data = obj.status.name
            form.mode.data = obj.mode.name
            form.course_slug.data = obj.course_slug or ''
            form.trainers.data = [u.id for u in obj.trainers]
        else:
            form.trainers.data = [current_user.id] if current_user.has_role(Role.trainer) else []
    return form


def _session_data(form: SessionForm) -> dict:
    return {
        'code': form.code.data, 'title': form.title.data, 'course_slug': form.course_slug.data or None,
        'country': form.country.data, 'city': form.city.data or None, 'venue': form.venue.data or None,
        'start_date': form.start_date.data, 'end_date': form.end_date.data, 'mode': SessionMode[form.mode.data],
        'language': form.language.data, 'partner': form.partner.data or None,
        'audience': form.audience.data or None, 'status': SessionStatus[form.status.data],
        'notes': form.notes.data or None,
    }


def _selected_trainers(form: SessionForm) -> list[User]:
    ids = set(form.trainers.data or [])
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)))) if ids else []


def _person_data(form) -> dict:
    return {
        'full_name': form.full_name.data, 'sex': Sex[form.sex.data], 'organisation': form.organisation.data or None,
        'organisation_type': OrganisationType[form.organisation_type.data] if form.organisation_type.data else None,
        'country': form.country.data or None, 'email': form.email.data or None,
        'consent_to_contact': bool(form.consent_to_contact.data),
    }


# -- sessions -------------------------------------------------------------------------------------------------------

@bp.route('/manage/sessions')
@roles_required(*READERS)
def list_sessions():
    q = (request.args.get('q') or '').strip()[:100]
    status = request.args.get('status') or ''
    status_value = SessionStatus[status] if status in SessionStatus.__members__ else None

    def _date(name):
        try:
            return date.fromisoformat(request.args.get(name) or '')
        except ValueError:
            return None

    start, end = _date('from'), _date('to')
    page = db.paginate(queries.sessions_select(start=start, end=end, status=status_value, q=q or None),
                       page=request.args.get('page', 1, type=int), per_page=PER_PAGE, error_out=False)
    counts = queries.participants_for([s.id for s in page.items])
    rows = [(s, counts.get(s.id, 0)) for s in page.items]
    pager_args = {k: v for k, v in (('q', q), ('status', status), ('from', start and start.isoformat()),
                                    ('to', end and end.isoformat())) if v}
    return render_template('workshops/sessions.html', rows=rows, page=page, q=q, status=status, pager_args=pager_args,
                           start=start, end=end, statuses=SessionStatus,
                           can_edit=current_user.has_role(*TRAINERS))


@bp.route('/manage/sessions/new', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def create_session():
    form = _session_form()
    if form.validate_on_submit():
        try:
            session = services.create_session(created_by=current_user, trainers=_selected_trainers(form),
                                              **_session_data(form))
        except TrainingError as exc:
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_('Session %(code)s created.', code=session.code), 'success')
            return redirect(url_for('workshops.view_session', session_id=session.id))
    return render_template('workshops/session_form.html', form=form, session=None)


@bp.route('/manage/sessions/<int:session_id>/edit', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def edit_session(session_id: int):
    session = _session_or_404(session_id)
    form = _session_form(obj=session)
    if form.validate_on_submit():
        try:
            services.update_session(session, trainers=_selected_trainers(form), **_session_data(form))
        except TrainingError as exc:
            db.session.rollback()
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_('Session %(code)s saved.', code=session.code), 'success')
            return redirect(url_for('workshops.view_session', session_id=session.id))
    return render_template('workshops/session_form.html', form=form, session=session)


@bp.route('/manage/sessions/<int:session_id>')
@roles_required(*READERS)
def view_session(session_id: int):
    session = _session_or_404(session_id)
    roster = queries.roster(session)
    days = services.session_days(session)
    marks = {(a.id, m.day) for a in roster for m in a.day_marks}
    counts = {role.name: sum(1 for a in roster if a.role == role) for role in AttendanceRole}
    return render_template('workshops/session.html', session=session, roster=roster, days=days, marks=marks,
                           counts=counts, windows=queries.open_windows(session), now=utcnow(),
                           can_edit=current_user.has_role(*TRAINERS), confirm=ConfirmForm(),
                           course_title=_course_title)


# -- roster ---------------------------------------------------------------------------------------------------------

@bp.route('/manage/sessions/<int:session_id>/roster/add', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def add_person(session_id: int):
    """Search before adding: the new-person form appears once a search has been made."""
    session = _session_or_404(session_id)
    q = (request.values.get('q') or '').strip()[:200]
    form = AddPersonForm()
    if request.method == 'GET' and q:
        if '@' in q:
            form.email.data = q.lower()
        else:
            form.full_name.data = q
        form.country.data = session.country
    if request.method == 'POST' and form.validate_on_submit():
        data = _person_data(form)
        existing = services.find_person_by_email(data['email'])
        try:
            if existing is not None:
                raise TrainingError(_('%(name)s already has this email address: add that person from the search '
                                      'results.', name=existing.full_name), field='email')
            person = services.create_person(**data)
            services.add_to_roster(session, person, role=AttendanceRole[form.role.data])
        except TrainingError as exc:
            db.session.rollback()
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_('%(name)s added to the roster.', name=person.full_name), 'success')
            return redirect(url_for('workshops.add_person', session_id=session.id))
    results = queries.search_persons(q) if q else []
    on_roster = set(db.session.scalars(sa.select(Attendance.person_id).where(Attendance.session_id == session.id)))
    return render_template('workshops/add_person.html', session=session, q=q, form=form, results=results,
                           on_roster=on_roster, existing_form=AddExistingForm(),
                           searched=bool(q) or request.method == 'POST')


@bp.route('/manage/sessions/<int:session_id>/roster/add-existing', methods=['POST'])
@roles_required(*TRAINERS)
def add_existing(session_id: int):
    session = _session_or_404(session_id)
    form = AddExistingForm()
    if not form.validate_on_submit() or not str(form.person_id.data).isdigit():
        abort(400)
    person = db.get_or_404(Person, int(form.person_id.data))
    try:
        services.add_to_roster(session, person, role=AttendanceRole[form.role.data])
    except TrainingError as exc:
        db.session.rollback()
        flash(exc.message, 'error')
    else:
        db.session.commit()
        flash(_('%(name)s added to the roster.', name=person.full_name), 'success')
    return redirect(url_for('workshops.add_person', session_id=session.id))


@bp.route('/manage/sessions/<int:session_id>/roster/<int:attendance_id>', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def edit_attendance(session_id: int, attendance_id: int):
    session = _session_or_404(session_id)
    attendance = _attendance_or_404(session, attendance_id)
    form = AttendanceForm(obj=attendance)
    if request.method == 'GET':
        form.role.data = attendance.role.name
    if form.validate_on_submit():
        try:
            services.update_attendance(attendance, role=AttendanceRole[form.role.data],
                                       completed=bool(form.completed.data),
                                       pre_test_score=form.pre_test_score.data,
                                       post_test_score=form.post_test_score.data)
        except TrainingError as exc:
            db.session.rollback()
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_('Attendance of %(name)s saved.', name=attendance.person.full_name), 'success')
            return redirect(url_for('workshops.view_session', session_id=session.id))
    return render_template('workshops/attendance_form.html', session=session, attendance=attendance, form=form,
                           confirm=ConfirmForm())


@bp.route('/manage/sessions/<int:session_id>/roster/<int:attendance_id>/remove', methods=['POST'])
@roles_required(*TRAINERS)
def remove_attendance(session_id: int, attendance_id: int):
    session = _session_or_404(session_id)
    attendance = _attendance_or_404(session, attendance_id)
    if ConfirmForm().validate_on_submit():
        name = attendance.person.full_name
        services.remove_from_roster(attendance)
        db.session.commit()
        flash(_('%(name)s removed from the roster.', name=name), 'success')
    return redirect(url_for('workshops.view_session', session_id=session.id))


@bp.route('/manage/sessions/<int:session_id>/days/<day>', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def day_register(session_id: int, day: str):
    session = _session_or_404(session_id)
    the_day = _day_or_404(session, day)
    roster = queries.roster(session)
    form = ConfirmForm()
    if form.validate_on_submit():
        present = {int(v) for v in request.form.getlist('present') if v.isdigit()}
        changes = services.record_day(session, the_day, present)
        db.session.commit()
        flash(_('Attendance for %(day)s saved (%(n)d changes).', day=the_day.isoformat(), n=changes), 'success')
        return redirect(url_for('workshops.view_session', session_id=session.id))
    present = {a.id for a in roster for m in a.day_marks if m.day == the_day}
    return render_template('workshops/day.html', session=session, day=the_day, roster=roster, present=present,
                           form=form)


# -- import ---------------------------------------------------------------------------------------------------------

def _read_upload(storage) -> bytes:
    data = storage.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise TrainingError(_('The file is larger than 5 MB; split the sheet.'), field='sheet')
    return data


@bp.route('/manage/sessions/<int:session_id>/import', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def import_sheet(session_id: int):
    session = _session_or_404(session_id)
    form = ImportForm()
    if form.validate_on_submit():
        try:
            data = _read_upload(form.sheet.data)
        except TrainingError as exc:
            _form_error(form, exc)
        else:
            filename = form.sheet.data.filename or 'sheet.csv'
            plan = imports.import_sheet(session, filename, data, write=False)
            pending = imports.stash_import(session, filename, data, by=current_user) if plan.ok else None
            db.session.commit()
            confirm = ConfirmImportForm(token=pending.token) if pending else None
            return render_template('workshops/import_preview.html', session=session, plan=plan, confirm=confirm,
                                   filename=filename)
    return render_template('workshops/import.html', session=session, form=form)


@bp.route('/manage/sessions/<int:session_id>/import/confirm', methods=['POST'])
@roles_required(*TRAINERS)
def confirm_import(session_id: int):
    session = _session_or_404(session_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    pending = db.session.scalar(sa.select(PendingImport).where(PendingImport.token == form.token.data,
                                                               PendingImport.session_id == session.id,
                                                               PendingImport.created_by_id == current_user.id))
    if pending is None:
        flash(_('This preview has expired or was already imported; upload the sheet again.'), 'error')
        return redirect(url_for('workshops.import_sheet', session_id=session.id))
    try:
        summary = imports.confirm_upload(session, pending).summary()
    except imports.ImportRefused as exc:
        db.session.rollback()
        flash(exc.message, 'error')
        return render_template('workshops/import_preview.html', session=session, plan=exc.plan, confirm=None,
                               filename=pending.filename)
    db.session.commit()
    flash(_('Imported %(rows)d rows: %(created)d new persons, %(matched)d matched to persons on record.',
            rows=summary['rows'], created=summary['created'], matched=summary['matched']), 'success')
    return redirect(url_for('workshops.view_session', session_id=session.id))


# -- persons, duplicates, merging -----------------------------------------------------------------------------------

@bp.route('/manage/persons/<int:person_id>', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def edit_person(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = EditPersonForm(obj=person)
    if request.method == 'GET':
        form.sex.data = person.sex.name
        form.organisation_type.data = person.organisation_type.name if person.organisation_type else ''
        form.country.data = person.country or ''
    if form.validate_on_submit():
        try:
            services.update_person(person, **_person_data(form))
        except TrainingError as exc:
            db.session.rollback()
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_('%(name)s saved.', name=person.full_name), 'success')
            return redirect(url_for('workshops.edit_person', person_id=person.id))
    return render_template('workshops/person.html', person=person, form=form,
                           attendances=queries.attendances_for_person(person))


@bp.route('/manage/persons/duplicates')
@roles_required(*TRAINERS)
def duplicates():
    country = (request.args.get('country') or '').strip().upper()[:2] or None
    countries = queries.person_countries()
    too_many = country is None and sum(n for _c, n in countries) > NEAR_MATCH_LIMIT
    pairs = [] if too_many else near_matches(queries.known_persons(country))[:200]
    people = queries.persons_by_id([p.a for p in pairs] + [p.b for p in pairs])
    counts = queries.attendance_counts(people)
    return render_template('workshops/duplicates.html', pairs=pairs, people=people, counts=counts,
                           country=country, countries=countries, too_many=too_many, merge_form=MergeForm(),
                           merges=queries.recent_merges(20))


@bp.route('/manage/persons/merge', methods=['POST'])
@roles_required(*TRAINERS)
def merge_persons():
    form = MergeForm()
    if not form.validate_on_submit() or not (str(form.keep.data).isdigit() and str(form.merge.data).isdigit()):
        abort(400)
    keep = db.get_or_404(Person, int(form.keep.data))
    merge = db.get_or_404(Person, int(form.merge.data))
    try:
        audit = merging.merge_persons(keep, merge, by=current_user)
    except TrainingError as exc:
        db.session.rollback()
        flash(exc.message, 'error')
    else:
        db.session.commit()
        flash(_('%(merged)s merged into %(kept)s: %(moved)d attendances moved, %(combined)d combined.',
                merged=audit.merged_full_name, kept=keep.full_name, moved=audit.attendances_moved,
                combined=audit.attendances_combined), 'success')
    return redirect(url_for('workshops.duplicates'))


# -- check-in: trainer side -----------------------------------------------------------------------------------------

def _qr_svg(url: str) -> Markup:
    import segno
    qr = segno.make(url, error='m')
    return Markup(qr.svg_inline(scale=6, border=2, dark='#000', light='#fff', omitsize=False,  # noqa: S704
                                title=_('QR code for self check-in')))


@bp.route('/manage/sessions/<int:session_id>/check-in', methods=['GET', 'POST'])
@roles_required(*TRAINERS)
def manage_check_in(session_id: int):
    session = _session_or_404(session_id)
    form = OpenCheckInForm()
    days = services.session_days(session)
    form.day.choices = [(d.isoformat(), d.isoformat()) for d in days]
    if request.method == 'GET':
        today = date.today()
        form.day.data = today.isoformat() if session.start_date <= today <= session.end_date else days[0].isoformat()
    if form.validate_on_submit():
        try:
            checkin.open_check_in(session, date.fromisoformat(form.day.data), minutes=form.minutes.data,
                                   by=current_user)
        except TrainingError as exc:
            db.session.rollback()
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_('Check-in is open.'), 'success')
            return redirect(url_for('workshops.manage_check_in', session_id=session.id))
    now = utcnow()
    window = next((w for w in queries.open_windows(session) if w.is_open(now)), None)
    link = url_for('workshops.check_in_person', token=window.token, _external=True) if window else None
    checked = 0
    if window is not None:
        from training.workshops.models import AttendanceDay
        checked = db.session.scalar(sa.select(sa.func.count(AttendanceDay.id)).join(Attendance).where(
            Attendance.session_id == session.id, AttendanceDay.day == window.day))
    return render_template('workshops/check_in_manage.html', session=session, form=form, window=window, link=link,
                           qr=_qr_svg(link) if link else None, checked=checked, close_form=ConfirmForm(),
                           start_url=url_for('workshops.check_in_start', _external=True))


@bp.route('/manage/sessions/<int:session_id>/check-in/<int:window_id>/close', methods=['POST'])
@roles_required(*TRAINERS)
def close_check_in(session_id: int, window_id: int):
    session = _session_or_404(session_id)
    window = db.session.get(CheckInWindow, window_id)
    if window is None or window.session_id != session.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        checkin.close_check_in(window)
        db.session.commit()
        flash(_('Check-in is closed; its code no longer works.'), 'success')
    return redirect(url_for('workshops.manage_check_in', session_id=session.id))


# -- check-in: participants (public, on a phone) --------------------------------------------------------------------

def _check_in_limit():
    return current_app.config.get('CHECK_IN_LIMIT', '20 per minute; 200 per hour')


@bp.route('/check-in', methods=['GET', 'POST'])
@limiter.limit(_check_in_limit, methods=['POST'])
@public
def check_in_start():
    form = CodeForm()
    if request.method == 'GET' and request.args.get('code'):
        form.code.data = request.args['code']
    if form.validate_on_submit():
        window = checkin.open_window_by_code(form.code.data)
        if window is None:
            form.code.errors.append(_('This code is not valid or check-in has closed. Check the code shown in '
                                      'the room.'))
        else:
            return redirect(url_for('workshops.check_in_person', token=window.token))
    return render_template('workshops/check_in_start.html', form=form)


def _window_or_gone(token: str) -> CheckInWindow:
    window = checkin.open_window_by_token(token)
    if window is None:
        abort(404, _('This check-in link is not valid or check-in has closed.'))
    return window


@bp.route('/check-in/<token>')
@limiter.limit(_check_in_limit)
@public
def check_in_person(token: str):
    window = _window_or_gone(token)
    q = (request.args.get('q') or '').strip()[:100]
    matches = queries.roster_matches(window.session, q) if q else []
    walk_in = WalkInForm()
    if request.method == 'GET':
        walk_in.country.data = window.session.country
        if q:
            walk_in.full_name.data = q
    return render_template('workshops/check_in_person.html', window=window, session=window.session, q=q,
                           matches=matches, self_form=CheckInSelfForm(), walk_in=walk_in)


@bp.route('/check-in/<token>/me', methods=['POST'])
@limiter.limit(_check_in_limit)
@public
def check_in_self(token: str):
    window = _window_or_gone(token)
    form = CheckInSelfForm()
    if not form.validate_on_submit() or not str(form.attendance_id.data).isdigit():
        abort(400)
    attendance = db.session.get(Attendance, int(form.attendance_id.data))
    if attendance is None or attendance.session_id != window.session_id:
        abort(404)
    checkin.check_in(window, attendance)
    db.session.commit()
    return render_template('workshops/check_in_done.html', session=window.session, window=window,
                           name=attendance.person.full_name)


@bp.route('/check-in/<token>/walk-in', methods=['POST'])
@limiter.limit(_check_in_limit)
@public
def check_in_walk_in(token: str):
    window = _window_or_gone(token)
    form = WalkInForm()
    if form.validate_on_submit():
        try:
            attendance, _matched = checkin.walk_in(window, **_person_data(form))
        except TrainingError as exc:
            db.session.rollback()
            _form_error(form, exc)
        else:
            db.session.commit()
            return render_template('workshops/check_in_done.html', session=window.session, window=window,
                                   name=attendance.person.full_name)
    return render_template('workshops/check_in_person.html', window=window, session=window.session, q='',
                           matches=[], self_form=CheckInSelfForm(), walk_in=form), 400


@bp.app_template_filter('sex_title')
def sex_title(name: str) -> str:
    return str(Sex[name].title) if name in Sex.__members__ else name


@bp.app_template_filter('row_error')
def row_error(error) -> str:
    from flask_babel import gettext
    return error.text(gettext)
