from tests.consent.conftest import admin_h  # noqa: F401  (the fixtures)
from tests.entries.conftest import team  # noqa: F401
