from tests.entries.conftest import team  # noqa: F401  (the fixture)
