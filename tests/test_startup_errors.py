"""Start-up errors as a user meets them: one line on stderr, exit code 1, within 5 s.

Every command runs as a subprocess, as a user or a supervisor runs it. Each error
names the problem and what to do about it, and never shows a password.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from tests.conftest import AMQP_URL, POSTGRES_URL

from earnest.testing import free_port, run_cli, write_slice

SECRET = "hunter2-secret"


@pytest.fixture(scope="module")
def small_dataset(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_slice(dataset, tmp_path_factory.mktemp("data"), {"Jokes": 3})


def command_line(command: str, dataset: Path) -> list[str]:
    """Arguments that take ``command`` as far as it goes before connecting."""
    return {
        "up": ["up", "--no-replay", "--port", str(free_port())],
        "serve": ["serve", "--port", str(free_port())],
        "worker": ["worker", "store-posts"],
        "replay": ["replay", str(dataset)],
        "status": ["status"],
        "verify": ["verify"],
        "dead-letters": ["dead-letters"],
        "train": ["train"],
        "score": ["score"],
    }[command]


CONNECTING = ["up", "serve", "worker", "replay", "status", "verify", "dead-letters", "train"]


def fails_in_one_line(args: list[str], env: dict[str, str], home: Path) -> str:
    """The one line ``earnest args`` prints on stderr as it fails at start."""
    started = time.monotonic()
    result = run_cli(args, {"EARNEST_HOME": str(home), **env}, stdin="")
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert elapsed < 5, f"took {elapsed:.1f} s: {lines[0]}"
    return lines[0]


def with_netloc(url: str, netloc: str, path: str | None = None) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=netloc, path=parts.path if path is None else path))


def host_port(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}"


# --- settings --------------------------------------------------------------------------


@pytest.mark.parametrize("command", [*CONNECTING, "score"])
def test_an_invalid_setting_fails_every_command_in_one_line(
    command: str, small_dataset: Path, tmp_path: Path
) -> None:
    line = fails_in_one_line(command_line(command, small_dataset),
                             {"EARNEST_MAX_ATTEMPTS": "none"}, tmp_path / "home")
    assert "EARNEST_MAX_ATTEMPTS='none' is invalid: input should be a valid integer" in line


def test_each_invalid_setting_is_named_with_its_value_and_rule(tmp_path: Path) -> None:
    env = {"EARNEST_BATCH_SIZE": "0", "EARNEST_PORT": "65536", "EARNEST_LOG_LEVEL": "LOUD",
           "EARNEST_MAX_ATTEMPTS": "0"}
    line = fails_in_one_line(["status"], env, tmp_path / "home")
    assert "EARNEST_BATCH_SIZE='0' is invalid: input should be greater than or equal to 1" in line
    assert "EARNEST_PORT='65536' is invalid: input should be less than or equal to 65535" in line
    assert ("EARNEST_LOG_LEVEL='LOUD' is invalid: must be a Python logging level: DEBUG, INFO, "
            "WARNING, ERROR or CRITICAL") in line
    assert "EARNEST_MAX_ATTEMPTS='0' is invalid: input should be greater than or equal to 1" in line


def test_a_setting_that_is_not_a_number_says_so(tmp_path: Path) -> None:
    line = fails_in_one_line(["status"], {"EARNEST_BATCH_SIZE": "lots", "EARNEST_PORT": "0"},
                             tmp_path / "home")
    assert "EARNEST_BATCH_SIZE='lots' is invalid: input should be a valid integer" in line
    assert "EARNEST_PORT='0' is invalid: input should be greater than or equal to 1" in line


def test_a_bad_flag_is_named_as_the_flag(tmp_path: Path) -> None:
    line = fails_in_one_line(["serve", "--port", "70000"], {}, tmp_path / "home")
    assert "--port=70000 is invalid: input should be less than or equal to 65535" in line


def test_the_log_level_is_any_logging_level_name_in_any_case(tmp_path: Path) -> None:
    result = run_cli(["status"], {"EARNEST_HOME": str(tmp_path), "EARNEST_LOG_LEVEL": "warning"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("variable", "url", "rule"), [
    ("EARNEST_DATABASE_URL", f"mysql://root:{SECRET}@db.example/posts",
     "EARNEST_DATABASE_URL mysql://…@db.example/posts is not supported: use "
     "sqlite:///path/to/file.db or postgresql://"),
    ("EARNEST_BROKER_URL", f"kafka://app:{SECRET}@bus.example:9092/",
     "EARNEST_BROKER_URL kafka://…@bus.example:9092/ is not supported: use "
     "sqlite:///path/to/file.db or amqp://"),
])
def test_an_unsupported_url_is_named_without_its_password(
    variable: str, url: str, rule: str, tmp_path: Path
) -> None:
    line = fails_in_one_line(["status"], {variable: url}, tmp_path / "home")
    assert rule in line
    assert SECRET not in line


# --- EARNEST_HOME and the API port -----------------------------------------------------


def test_a_home_under_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    home = tmp_path / "a-file" / "home"
    line = fails_in_one_line(["status"], {}, home)
    assert line == (f"error: cannot create EARNEST_HOME {home} (Not a directory); point it at "
                    "a folder earnest may create and write")


def test_a_home_that_cannot_be_created_is_named() -> None:
    line = fails_in_one_line(["worker", "score"], {}, Path("/proc/earnest-home"))
    assert "cannot create EARNEST_HOME /proc/earnest-home (No such file or directory)" in line


@pytest.mark.parametrize("command", ["up", "serve"])
def test_a_port_in_use_is_named_before_anything_connects(command: str, tmp_path: Path) -> None:
    unreachable = with_netloc(POSTGRES_URL, f"postgres@127.0.0.1:{free_port()}")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        line = fails_in_one_line([command, "--port", str(port)],
                                 {"EARNEST_DATABASE_URL": unreachable}, tmp_path / "home")
    assert line == (f"error: cannot listen on 127.0.0.1:{port} (Address already in use); "
                    "choose another port with --port or EARNEST_PORT")


# --- RabbitMQ ----------------------------------------------------------------------------


def test_a_wrong_rabbitmq_password_is_an_authentication_failure(tmp_path: Path) -> None:
    user = urlsplit(AMQP_URL).username
    url = with_netloc(AMQP_URL, f"{user}:{SECRET}@{host_port(AMQP_URL)}")
    line = fails_in_one_line(["worker", "store-posts"], {"EARNEST_BROKER_URL": url},
                             tmp_path / "home")
    assert line == (f"error: RabbitMQ refused the login of user {user!r} at "
                    f"{host_port(AMQP_URL)}; check the user and password in EARNEST_BROKER_URL")


def test_an_unknown_rabbitmq_vhost_is_named(tmp_path: Path) -> None:
    url = with_netloc(AMQP_URL, urlsplit(AMQP_URL).netloc, "/earnest-no-such-vhost")
    line = fails_in_one_line(["status"], {"EARNEST_BROKER_URL": url}, tmp_path / "home")
    assert line == (f"error: RabbitMQ at {host_port(AMQP_URL)} has no virtual host "
                    "'earnest-no-such-vhost'; create it or fix the path of EARNEST_BROKER_URL")


@pytest.mark.parametrize("command", ["worker", "status"])
def test_rabbitmq_down_fails_at_once(command: str, small_dataset: Path, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    url = with_netloc(AMQP_URL, f"guest:{SECRET}@127.0.0.1:{port}")
    line = fails_in_one_line(command_line(command, small_dataset), {"EARNEST_BROKER_URL": url},
                             tmp_path / "home")
    assert line == (f"error: cannot reach RabbitMQ at 127.0.0.1:{port} (Connection "
                    "refused); is it running? Check the host and port in EARNEST_BROKER_URL")


# --- PostgreSQL --------------------------------------------------------------------------


def test_a_missing_database_is_named(tmp_path: Path) -> None:
    url = with_netloc(POSTGRES_URL, urlsplit(POSTGRES_URL).netloc, "/earnest_no_such_db")
    line = fails_in_one_line(["status"], {"EARNEST_DATABASE_URL": url}, tmp_path / "home")
    assert line == (f'error: PostgreSQL at {host_port(POSTGRES_URL)} has no database '
                    '"earnest_no_such_db"; create it or fix the database name in '
                    "EARNEST_DATABASE_URL")


def test_an_unknown_postgres_user_is_an_authentication_failure(tmp_path: Path) -> None:
    url = with_netloc(POSTGRES_URL, f"earnest_nobody:{SECRET}@{host_port(POSTGRES_URL)}")
    line = fails_in_one_line(["verify"], {"EARNEST_DATABASE_URL": url}, tmp_path / "home")
    assert line.startswith("error: PostgreSQL refused the login of user 'earnest_nobody' at "
                           f"{host_port(POSTGRES_URL)} (")
    assert line.endswith("); check the user and password in EARNEST_DATABASE_URL")
    assert SECRET not in line


@pytest.mark.parametrize("command", CONNECTING)
def test_postgres_down_fails_every_command_at_once(
    command: str, small_dataset: Path, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens there
    url = with_netloc(POSTGRES_URL, f"postgres:{SECRET}@127.0.0.1:{port}")
    line = fails_in_one_line(command_line(command, small_dataset),
                             {"EARNEST_DATABASE_URL": url}, tmp_path / "home")
    assert line == (f"error: cannot reach PostgreSQL at 127.0.0.1:{port} (Connection "
                    "refused); is it running? Check the host and port in EARNEST_DATABASE_URL")
