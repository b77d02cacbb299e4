"""The production app plus two hello-world routes, served by the same gunicorn so ratios are fair.

``/_bench/hello`` is the ceiling: a string through all of this app's middleware. ``/_bench/hello-user`` also loads
the signed-in user (what every signed-in page pays before doing its own work), so the table shows how much of a
page's cost is the sign-in itself.
"""
from flask_login import current_user

from app import app

__all__ = ['app']


@app.get('/_bench/hello')
def hello():
    return 'Hello, world!'


@app.get('/_bench/hello-user')
def hello_user():
    return 'Hello, member!' if current_user.is_authenticated else 'Hello, visitor!'


hello.access = 'public'
hello_user.access = 'public'
