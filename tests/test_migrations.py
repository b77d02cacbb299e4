"""`upgrade head` on an empty database yields exactly the models (no autogenerate difference)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.helpers.app import IS_SQLITE, TEST_DATABASE_URL, app_config
from training import create_app
from training.extensions import db


def _diff(app):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={'compare_type': True, 'render_as_batch': True})
        return compare_metadata(ctx, db.metadata)


def test_upgrade_head_matches_models_and_downgrade_is_clean():
    with tempfile.TemporaryDirectory() as tmp:
        url = f'sqlite:///{Path(tmp) / "m.sqlite"}' if IS_SQLITE else TEST_DATABASE_URL
        app = create_app(app_config(SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            if not IS_SQLITE:
                db.drop_all()
                with db.engine.begin() as conn:
                    conn.execute(sa.text('DROP TABLE IF EXISTS alembic_version'))
            try:
                upgrade()
                assert _diff(app) == []
                downgrade(revision='base')
                remaining = set(sa.inspect(db.engine).get_table_names()) - {'alembic_version'}
                assert remaining == set()
            finally:
                if not IS_SQLITE:
                    with db.engine.begin() as conn:
                        conn.execute(sa.text('DROP TABLE IF EXISTS alembic_version'))
                    db.drop_all()
                    db.create_all()
                db.engine.dispose()
