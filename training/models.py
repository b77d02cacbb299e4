"""Imports every model module so that metadata is complete (for Alembic and create_all)."""
from training.audit import models as audit_models  # noqa: F401
from training.auth import models as auth_models  # noqa: F401
from training.courses import models as courses_models  # noqa: F401
from training.kept_answers import models as kept_answers_models  # noqa: F401
from training.offline import models as offline_models  # noqa: F401
from training.paper import models as paper_models  # noqa: F401
from training.reports import hooks as report_hooks  # noqa: F401 - reporting data follows every write
from training.reports import models as reports_models  # noqa: F401
from training.scenarios import models as scenarios_models  # noqa: F401
from training.sync import models as sync_models  # noqa: F401
from training.throttle import models as throttle_models  # noqa: F401
from training.workshops import models as workshops_models  # noqa: F401
