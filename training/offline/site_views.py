"""The service worker (served from the site's root, so that it may keep any page), the web app manifest, and the page
shown for a page that was not saved when the device is offline."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory, url_for

from training.auth.permissions import public
from training.i18n import _

bp = Blueprint('offline', __name__)


@bp.route('/sw.js')
@public
def service_worker():
    response = send_from_directory(current_app.static_folder, 'js/sw.js', mimetype='application/javascript',
                                   max_age=0)
    response.headers['Cache-Control'] = 'no-cache'
    response.headers['Service-Worker-Allowed'] = '/'
    return response


@bp.route('/manifest.webmanifest')
@public
def manifest():
    response = jsonify({
        'name': _('Atrocity Prevention Training'), 'short_name': _('Prevention'),
        'start_url': url_for('courses.my_learning'), 'scope': '/', 'display': 'standalone',
        'background_color': '#ffffff', 'theme_color': '#0b4f8a',
        'icons': [{'src': url_for('static', filename='img/icon.svg'), 'sizes': 'any', 'type': 'image/svg+xml'}],
    })
    response.mimetype = 'application/manifest+json'
    return response


@bp.route('/offline')
@public
def offline_page():
    return render_template('offline/offline.html')
