from __future__ import annotations

from pathlib import Path

import pytest

from healtheos.config import ConfigurationError, env_bool, env_int, parse_database_url


def test_postgres_urls_become_django_settings() -> None:
    config = parse_database_url(
        "postgres://postgres:s%40cret@127.0.0.1:5432/test", base_dir=Path("/x")
    )
    assert config.as_django()["ENGINE"] == "django.db.backends.postgresql"
    assert config.password == "s@cret"
    assert config.port == "5432"


def test_sqlite_paths_are_relative_to_the_project_or_absolute() -> None:
    assert (
        parse_database_url("sqlite:///var/db.sqlite3", base_dir=Path("/p")).name
        == "/p/var/db.sqlite3"
    )
    assert (
        parse_database_url("sqlite:////tmp/db.sqlite3", base_dir=Path("/p")).name
        == "/tmp/db.sqlite3"
    )


def test_unknown_database_schemes_fail_loudly() -> None:
    with pytest.raises(ConfigurationError, match="not supported"):
        parse_database_url("mysql://x/y", base_dir=Path("/p"))


def test_bad_booleans_and_numbers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALTHEOS_TEST_FLAG", "maybe")
    with pytest.raises(ConfigurationError, match="not a boolean"):
        env_bool("HEALTHEOS_TEST_FLAG", False)
    monkeypatch.setenv("HEALTHEOS_TEST_NUMBER", "ten")
    with pytest.raises(ConfigurationError, match="not a whole number"):
        env_int("HEALTHEOS_TEST_NUMBER", 1)


def test_secrets_can_come_from_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "flag"
    secret.write_text("true\n")
    monkeypatch.setenv("HEALTHEOS_TEST_FLAG_FILE", str(secret))
    assert env_bool("HEALTHEOS_TEST_FLAG", False) is True
