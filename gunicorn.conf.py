"""Production server settings (``make serve`` / ``gunicorn --config gunicorn.conf.py app:app``).

Every value can be overridden from the environment, so one file serves a laptop at a venue and a host behind a
proxy. The app keeps no local state (sessions are signed cookies, request limits are counted in the database,
data lives in PostgreSQL), so it scales out by adding hosts behind a proxy.
"""
import gc
import os

from training import serving

bind = os.environ.get('GUNICORN_BIND', f'127.0.0.1:{os.environ.get("PORT", "8000")}')
workers = int(os.environ.get('WEB_CONCURRENCY', '2'))
# gunicorn's threaded worker that takes a new connection only while no other worker holds fewer (training/serving.py:
# with 16 keep-alive connections, quiz submissions 361-397 -> 476 a second, p95 63-75 -> 53 ms); 'gthread' for
# gunicorn's own
worker_class = os.environ.get('GUNICORN_WORKER_CLASS', 'training.serving.LeastConnectionsWorker')
# Two threads a worker: a slow request (an import, a certificate PDF) leaves the other serving; more threads only
# take turns at the interpreter lock. Measured on 2 cores, 16 connections, 2 workers: 2 threads against 4, catalogue
# p95 42-53 against 54-78 ms and quiz submissions 395-404 against 359-369 a second (PostgreSQL and SQLite)
threads = int(os.environ.get('GUNICORN_THREADS', '2'))
timeout = int(os.environ.get('GUNICORN_TIMEOUT', '30'))
# One listening socket shared by the workers, which take turns by their connections (above). GUNICORN_REUSE_PORT=1
# gives each worker its own socket (SO_REUSEPORT): the kernel then picks the worker by a hash of the client's address,
# which split 16 connections 7/9 to 4/12 (the fuller worker's connections waited the longer), and a recycled
# worker's not-yet-accepted connections are reset unless the host sets net.ipv4.tcp_migrate_req=1.
reuse_port = os.environ.get('GUNICORN_REUSE_PORT', '0').lower() not in ('0', 'false', 'no', 'off', '')
# The workers' slots in the shared counts (training/serving.py)
pre_fork = serving.pre_fork
child_exit = serving.child_exit
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that slow leaks cannot accumulate (0 turns it off; the benchmark does, so that
# the memory it reads is that of workers which served the whole load).
max_requests = int(os.environ.get('GUNICORN_MAX_REQUESTS', '5000'))
max_requests_jitter = max_requests // 10
# Load the app (and validate the content) once in the master; workers share it copy-on-write.
preload_app = True
accesslog = os.environ.get('GUNICORN_ACCESS_LOG', '-')
errorlog = '-'
loglevel = os.environ.get('GUNICORN_LOG_LEVEL', 'info')
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Query strings (search terms) are dropped and tokens in paths (reset, check-in, certificate codes) masked.
logger_class = 'training.accesslog.RedactingLogger'
# Worker heartbeats in memory, not on a disk-backed /tmp (a slow disk can get workers killed for "timeout").
# gunicorn creates them there with mkstemp (private, unique names), as its docs recommend.
if os.path.isdir('/dev/shm'):  # noqa: S108
    worker_tmp_dir = '/dev/shm'  # noqa: S108
# gunicorn >= 25 opens a control socket for gunicornc at $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl:
# one path for every gunicorn of the user, so a second server on the host (the benchmark's, a second site) takes
# the first one's socket. Off unless GUNICORN_CONTROL_SOCKET names a path of its own.
if os.environ.get('GUNICORN_CONTROL_SOCKET'):
    control_socket = os.environ['GUNICORN_CONTROL_SOCKET']
else:
    control_socket_disable = True
# Only trust X-Forwarded-* from these addresses (set TRAINING_PROXY_FIX too).
forwarded_allow_ips = os.environ.get('FORWARDED_ALLOW_IPS', '127.0.0.1')


def when_ready(server):
    """The app is loaded (preload_app), the workers not yet forked: the objects made at start-up (modules, content,
    mappers: some 200,000) are moved out of the garbage collector's reach. A worker's full collections then no longer
    walk them (each took about 0.1 s, every few hundred requests), nor write to their pages, which stay shared with
    the master (Python's documentation of gc.freeze recommends this for pre-forking servers)."""
    gc.freeze()


def post_fork(server, worker):
    """Each worker opens its own database connections (none are inherited from the master)."""
    from training.extensions import db
    app = server.app.wsgi()
    if not hasattr(app, 'app_context'):  # another WSGI app (the server's own tests)
        return
    with app.app_context():
        db.engine.dispose(close=False)
