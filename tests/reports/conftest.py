from tests.workshops.conftest import create_person, create_session  # noqa: F401 - shared factories
