"""Settings: file, environment and flags in rising precedence, and clear errors."""

from pathlib import Path

import pytest

from config.settings import SettingsError, default_file_text, load_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file(tmp_path):
    settings = load_settings(tmp_path, environ={})

    assert settings.get("ingest", "max_size") == 26_214_400
    assert settings.values["ingest"]["max_size"].source == "default"
    assert settings.config_file is None
    assert settings.database_url == f"sqlite:///{(tmp_path / 'ggk.sqlite').resolve()}"


def test_file_in_data_dir_is_read(tmp_path):
    write(tmp_path / "ggk.toml", "[web]\nport = 9000\n")

    settings = load_settings(tmp_path, environ={})

    assert settings.get("web", "port") == 9000
    assert settings.values["web"]["port"].source == f"file:{tmp_path / 'ggk.toml'}"


def test_environment_beats_file_and_flag_beats_environment(tmp_path):
    write(tmp_path / "ggk.toml", "[web]\nport = 9000\n")
    environ = {"GGK_WEB_PORT": "9100", "GGK_INGEST_MAX_SIZE": "1000"}

    from_env = load_settings(tmp_path, environ=environ)
    from_flag = load_settings(tmp_path, flags={("web", "port"): 9200}, environ=environ)

    assert from_env.get("web", "port") == 9100
    assert from_env.values["web"]["port"].source == "env:GGK_WEB_PORT"
    assert from_env.get("ingest", "max_size") == 1000
    assert from_flag.get("web", "port") == 9200
    assert from_flag.values["web"]["port"].source == "flag:--port"


def test_config_flag_and_environment_variable_choose_the_file(tmp_path):
    other = write(tmp_path / "other.toml", "[ui]\nlanguage = \"en\"\n")

    by_flag = load_settings(tmp_path, str(other), environ={})
    by_env = load_settings(tmp_path, environ={"GGK_CONFIG": str(other)})

    assert by_flag.get("ui", "language") == "en"
    assert by_env.get("ui", "language") == "en"


def test_wrong_value_names_setting_and_file(tmp_path):
    path = write(tmp_path / "ggk.toml", "[web]\nport = \"eighty\"\n")

    with pytest.raises(SettingsError) as error:
        load_settings(tmp_path, environ={})

    assert "web.port" in str(error.value)
    assert str(path) in str(error.value)


def test_wrong_environment_value_names_variable(tmp_path):
    with pytest.raises(SettingsError) as error:
        load_settings(tmp_path, environ={"GGK_INGEST_VALIDATION": "sometimes"})

    assert "ingest.validation" in str(error.value)
    assert "GGK_INGEST_VALIDATION" in str(error.value)


def test_unknown_key_and_section_are_rejected(tmp_path):
    write(tmp_path / "ggk.toml", "[web]\nprot = 1\n")
    with pytest.raises(SettingsError, match="web.prot"):
        load_settings(tmp_path, environ={})

    write(tmp_path / "ggk.toml", "[webb]\nport = 1\n")
    with pytest.raises(SettingsError, match=r"\[webb\]"):
        load_settings(tmp_path, environ={})


def test_invalid_toml_names_file(tmp_path):
    path = write(tmp_path / "ggk.toml", "[web\n")

    with pytest.raises(SettingsError, match=str(path)):
        load_settings(tmp_path, environ={})


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="not found"):
        load_settings(tmp_path, str(tmp_path / "absent.toml"), environ={})


def test_plugin_list_from_environment(tmp_path):
    settings = load_settings(tmp_path, environ={"GGK_PLUGINS_DISABLED": "jw, wmo"})

    assert settings.get("plugins", "disabled") == ["jw", "wmo"]


def test_show_masks_database_password(tmp_path):
    environ = {"GGK_DATABASE_URL": "postgresql+psycopg://ggk:s3cret@db.example/ggk"}

    rows = {name: value for name, value, _ in load_settings(tmp_path, environ=environ).shown()}

    assert "s3cret" not in rows["database.url"]
    assert "***" in rows["database.url"]


def test_default_file_text_loads(tmp_path):
    write(tmp_path / "ggk.toml", default_file_text())

    settings = load_settings(tmp_path, environ={})

    assert settings.get("web", "port") == 8080
