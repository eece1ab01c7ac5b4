from tests.activities.conftest import course  # noqa: F401  (fixture)
