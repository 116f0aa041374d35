import pytest

from wangge.env import ConfigError, env_bool, env_choice, env_int, env_str, persistent_secret


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("WANGGE_FLAG", raw)
    assert env_bool("WANGGE_FLAG") is expected


def test_a_malformed_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("WANGGE_FLAG", "maybe")
    with pytest.raises(ConfigError, match="WANGGE_FLAG"):
        env_bool("WANGGE_FLAG")


def test_a_malformed_integer_fails_loudly(monkeypatch):
    monkeypatch.setenv("WANGGE_N", "ten")
    with pytest.raises(ConfigError, match="WANGGE_N"):
        env_int("WANGGE_N", 1)


def test_an_unknown_choice_fails_loudly(monkeypatch):
    monkeypatch.setenv("WANGGE_LAYOUT", "hexagons")
    with pytest.raises(ConfigError, match="must be one of"):
        env_choice("WANGGE_LAYOUT", "village", {"village", "cjt349"})


def test_file_variant_is_read(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("WANGGE_X_FILE", str(secret))
    assert env_str("WANGGE_X") == "from-a-file"


def test_generated_secret_is_kept_across_restarts(monkeypatch, tmp_path):
    monkeypatch.delenv("WANGGE_K", raising=False)
    first = persistent_secret("WANGGE_K", tmp_path)
    assert len(first) >= 50
    assert persistent_secret("WANGGE_K", tmp_path) == first
