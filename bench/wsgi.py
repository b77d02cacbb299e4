"""The production app plus a hello-world route, served by the same gunicorn so ratios are fair."""
from app import app

__all__ = ['app']


@app.get('/_bench/hello')
def hello():
    return 'Hello, world!'


hello.access = 'public'
