"""Static files under content-hashed URLs, cached for a year by browsers and proxies.

``asset_url('css/site.css')`` gives ``/static/v/<hash>/css/site.css``; a new file content gives a new URL, so
the old one can be cached "immutable".
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, abort, current_app, has_request_context, request, send_from_directory, url_for
from werkzeug.security import safe_join

from training.auth.permissions import public

bp = Blueprint('assets', __name__)
_hashes: dict[str, str] = {}


def file_hash(filename: str) -> str:
    cached = _hashes.get(filename)
    if cached is None or current_app.debug:
        joined = safe_join(current_app.static_folder, filename)  # None: outside the static folder
        path = Path(joined) if joined else None
        try:
            cached = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path and path.is_file() else '0'
        except (OSError, ValueError):  # a name too long for the file system, a NUL byte: no such file
            return '0'
        if cached != '0':  # only real files are remembered: a stream of made-up names must not grow the cache
            _hashes[filename] = cached
    return cached


#: (filename, mount point) -> URL in a request, for real files: every page links the stylesheet, and building a URL
#: with a path in it is one of a page's dearer steps (issue 18)
_urls: dict[tuple[str, str], str] = {}


def asset_url(filename: str) -> str:
    if not has_request_context() or current_app.debug:
        return url_for('assets.hashed', digest=file_hash(filename), filename=filename)
    key = (filename, request.script_root)
    url = _urls.get(key)
    if url is None:
        digest = file_hash(filename)
        url = url_for('assets.hashed', digest=digest, filename=filename)
        if digest != '0':
            _urls[key] = url
    return url


@bp.route('/static/v/<digest>/<path:filename>')
@public
def hashed(digest, filename):
    if file_hash(filename) != digest:
        abort(404)
    response = send_from_directory(current_app.static_folder, filename, max_age=365 * 24 * 3600)
    response.cache_control.immutable = True
    response.cache_control.public = True
    return response
