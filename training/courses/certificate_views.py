"""Certificate pages: the public verification page and lookup form, the holder's PDF, and the administrators'
list and revocation. Routes on the courses blueprint."""
from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from training.auth.permissions import ADMINS, login_required, public, roles_required
from training.codes import CERTIFICATE
from training.content import registry
from training.courses import queries, services
from training.courses.blueprint import bp
from training.courses.forms import RevokeForm
from training.extensions import limiter
from training.i18n import _, _l
from training.web import paginate, perform

UNKNOWN_CODE = _l('No certificate has this code. Check the code for typing mistakes and try again.')


def _lookup_form(code: str, error=None, status: int = 200):
    return render_template('courses/lookup.html', code=(code or '')[:64], error=error), status


def _no_store(response, *, private: bool = False):
    response.cache_control.no_store = True
    if private:
        response.cache_control.private = True
    return response


@bp.route('/certificates/')
@public
def lookup_certificate():
    """Public: type the code printed on a certificate to open its verification page."""
    code = request.args.get('code', '')
    if not code.strip():
        return _lookup_form('')
    normalised = CERTIFICATE.normalise(code)
    if normalised is None:
        return _lookup_form(code, UNKNOWN_CODE, 404)
    return redirect(url_for('courses.verify_certificate', code=normalised))


@bp.route('/certificates/<code>')
@limiter.limit(lambda: current_app.config.get('CERTIFICATE_LOOKUP_LIMIT', '120 per minute'))
@public
def verify_certificate(code):
    """Public: the certificate as recorded here, so an edited PDF cannot pass. Rate-limited per address.
    Any case, spaces or dashes find it (then the address is put in its shown form); an unknown code shows the
    lookup form again with the error (status 404)."""
    certificate = services.get_certificate(code)
    if certificate is None:
        return _lookup_form(code, UNKNOWN_CODE, 404)
    if certificate.code != code:
        return redirect(url_for('courses.verify_certificate', code=certificate.code))
    course = registry().course(certificate.course_slug)
    response = make_response(render_template('courses/certificate.html', certificate=certificate, course=course))
    response.headers['X-Robots-Tag'] = 'noindex'
    return _no_store(response)


@bp.route('/certificates/<code>/pdf')
@login_required
def certificate_pdf(code):
    certificate = services.get_certificate(code)
    if certificate is None or (certificate.user_id != current_user.id and not current_user.is_admin):
        abort(404)
    if certificate.is_revoked and not current_user.is_admin:
        abort(404, _('This certificate has been revoked.'))
    course = registry().course(certificate.course_slug)
    title = course.title if course else certificate.course_slug
    # first use: the PDF maker loads fpdf2, fonts and HarfBuzz (some 20 MB), which a worker that never prints a
    # certificate need not hold (issue 18)
    from training.courses.certificates import render_pdf

    pdf = render_pdf(certificate, title, url_for('courses.verify_certificate', code=certificate.code, _external=True))
    response = make_response(pdf)
    response.headers['Content-Type'] = 'application/pdf'
    response.headers['Content-Disposition'] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return _no_store(response, private=True)


@bp.route('/manage/certificates')
@roles_required(*ADMINS)
def manage_certificates():
    q = request.args.get('q', '').strip()[:200]
    state = request.args.get('state', '')
    page = paginate(queries.certificates_query(q, state), per_page=50)
    return render_template('courses/manage_certificates.html', page=page, q=q, state=state,
                           courses=registry().courses)


@bp.route('/manage/certificates/<code>', methods=['GET', 'POST'])
@roles_required(*ADMINS)
def manage_certificate(code):
    certificate = services.get_certificate(code)
    if certificate is None:
        abort(404)
    form = RevokeForm()
    if not certificate.is_revoked and form.validate_on_submit():
        revoke = perform(lambda: services.revoke_certificate(certificate, by=current_user, reason=form.reason.data),
                         form=form)
        if revoke.ok:
            current_app.logger.info('certificate %s revoked by user %s', certificate.code, current_user.id)
            flash(_('Certificate %(code)s revoked.', code=certificate.code), 'success')
            return redirect(url_for('courses.manage_certificate', code=certificate.code))
    return render_template('courses/manage_certificate.html', certificate=certificate, form=form,
                           course=registry().course(certificate.course_slug)), (
        200 if request.method == 'GET' else 422)
