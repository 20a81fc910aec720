"""The deploy files, read statically (docker cannot run here): what the build context carries, how compose
passes the token, restarts and logs, where the database lives, and how ops commands run as the service."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"


def dockerignored(patterns: list[str], path: str) -> bool:
    """Docker's rule: the last pattern that matches the path or one of its parents decides; `!` re-includes."""
    parts = path.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        pattern = pattern.strip("/")
        for c in candidates:
            if fnmatch.fnmatchcase(c, pattern) or (pattern.startswith("**/")
                                                   and fnmatch.fnmatchcase(c.split("/")[-1], pattern[3:])):
                excluded = not negate
                break
    return excluded


def ignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def dockerfile_env() -> dict[str, str]:
    text = (DEPLOY / "Dockerfile").read_text("utf-8")
    return dict(re.findall(r"(AWARDBOT_\w+)=(\S+)", text))


def test_the_build_context_carries_what_the_image_copies_and_no_venv_token_or_database():
    patterns = ignore_patterns()
    dockerfile = (DEPLOY / "Dockerfile").read_text("utf-8")
    copied = [src for line in re.findall(r"^COPY (.+)$", dockerfile, re.M) for src in line.split()[:-1]]
    for src in copied:
        top = ROOT / src
        inside = [str(p.relative_to(ROOT)) for p in ([top] if top.is_file() else top.rglob("*")) if p.is_file()]
        assert inside, src
        kept = [p for p in inside if not dockerignored(patterns, p) and "__pycache__" not in p]
        assert kept, f"COPY {src}: every file is excluded by .dockerignore"
        assert all(not dockerignored(patterns, p) for p in inside if p.endswith((".py", ".yaml", ".toml", ".md"))
                   and "__pycache__" not in p), src
    for secret in (".venv/bin/python", "deploy/.env", "deploy/awardbot.token", "awardbot.db", "data/awardbot.db-wal",
                   ".git/config", "bot/__pycache__/app.cpython-311.pyc", "tests/test_ops.py", "token.txt"):
        assert dockerignored(patterns, secret), secret


def test_compose_passes_the_token_as_a_secret_with_bounded_restarts_and_log_limits():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))
    service = compose["services"]["awardbot"]
    env = service["environment"]
    assert "AWARDBOT_TOKEN" not in env
    assert service["secrets"] == ["awardbot_token"]
    assert env["AWARDBOT_TOKEN_FILE"] == "/run/secrets/awardbot_token"
    secret_file = compose["secrets"]["awardbot_token"]["file"]
    assert (DEPLOY / secret_file).name == "awardbot.token"
    ignored = (ROOT / ".gitignore").read_text("utf-8")
    assert "*.token" in ignored.split()  # the filled-in secret is never committed
    # a bad token exits 2 at once: a bounded number of restarts, never a loop
    assert re.fullmatch(r"on-failure:[1-9]\d?", service["restart"]), service["restart"]
    logging = service["logging"]
    assert logging["driver"] == "json-file"
    assert re.fullmatch(r"\d+m", logging["options"]["max-size"])
    assert int(logging["options"]["max-file"]) >= 1


def test_the_image_compose_and_env_example_agree_on_where_the_database_lives():
    image = dockerfile_env()
    env = yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))["services"]["awardbot"]["environment"]
    assert env["AWARDBOT_DB"] == image["AWARDBOT_DB"] == "/data/awardbot.db"
    assert env["AWARDBOT_CACHE"] == image["AWARDBOT_CACHE"]
    volumes = yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))["services"]["awardbot"]["volumes"]
    assert any(v.split(":")[1] == str(Path(image["AWARDBOT_DB"]).parent) for v in volumes)
    # the example env file, shared by compose and systemd, sets no path: an empty or systemd value there
    # would send the container's database off the volume
    example = (DEPLOY / ".env.example").read_text("utf-8")
    set_there = dict(re.findall(r"^(AWARDBOT_\w+)=(.*)$", example, re.M))
    for name in ("AWARDBOT_DB", "AWARDBOT_CACHE", "AWARDBOT_TOKEN_FILE"):
        assert name not in set_there, name
        assert re.search(rf"^# {name}=$", example, re.M), name  # documented, commented out


def unit_values(name: str = "awardbot.service") -> dict[str, str]:
    unit = (DEPLOY / name).read_text("utf-8")
    values = dict(re.findall(r"^(\w+)=(.*)$", unit, re.M))
    values.update(re.findall(r"^Environment=(AWARDBOT_\w+)=(.*)$", unit, re.M))
    return values


@pytest.mark.parametrize("name", ["awardbot.service", "awardbot-web.service"])
def test_systemd_does_not_restart_a_bad_token_or_setting_and_limits_restarts(name):
    unit = unit_values(name)
    assert unit["Restart"] == "on-failure"
    assert unit["RestartPreventExitStatus"] == "2"
    assert int(unit["StartLimitBurst"]) <= 10


def ops_script() -> dict[str, str]:
    return dict(re.findall(r"^([A-Z_]+)=(\S+)$", (DEPLOY / "awardbot-ops").read_text("utf-8"), re.M))


def test_the_ops_wrapper_uses_the_units_user_settings_file_binary_and_paths():
    unit, ops = unit_values(), ops_script()
    assert ops["SERVICE_USER"] == unit["User"]
    assert ops["ENV_FILE"] == unit["EnvironmentFile"]
    assert ops["BIN"] == unit["ExecStart"].split()[0]
    assert ops["DB"] == unit["AWARDBOT_DB"]
    assert ops["CACHE"] == unit["AWARDBOT_CACHE"]
    assert os.access(DEPLOY / "awardbot-ops", os.X_OK)
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "sudo awardbot-ops stats" in readme
    assert "docker compose -f deploy/compose.yaml exec awardbot awardbot stats" in readme


@pytest.mark.skipif(os.name != "posix" or not hasattr(os, "geteuid") or os.geteuid() != 0
                    or not shutil.which("runuser"), reason="runs runuser: root only")
def test_the_ops_wrapper_runs_with_a_clean_environment_and_the_settings_file(tmp_path, cache_dir):
    """The wrapper itself, with its paths pointed at a temporary deployment and `root` as the service user."""
    db = tmp_path / "var" / "awardbot.db"
    db.parent.mkdir()
    env_file = tmp_path / "awardbot.env"
    env_file.write_text("# settings\nAWARDBOT_LOG_LEVEL=WARNING\nAWARDBOT_ADMINS=1\n", "utf-8")
    stub = tmp_path / "awardbot"
    stub.write_text(f"#!/bin/sh\ncd {ROOT} && exec {sys.executable} -m bot \"$@\"\n", "utf-8")
    stub.chmod(0o755)
    script = (DEPLOY / "awardbot-ops").read_text("utf-8")
    for name, value in {"SERVICE_USER": "root", "ENV_FILE": env_file, "BIN": stub, "DB": db,
                        "CACHE": cache_dir}.items():
        script = re.sub(rf"^{name}=\S+$", f"{name}={value}", script, flags=re.M)
    wrapper = tmp_path / "awardbot-ops"
    wrapper.write_text(script, "utf-8")
    wrapper.chmod(0o755)
    caller = {"PATH": os.environ["PATH"], "AWARDBOT_DB": str(tmp_path / "elsewhere.db")}  # must not leak in
    out = subprocess.run([str(wrapper), "stats"], capture_output=True, text=True, env=caller, timeout=120,
                         check=False)
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip() == f"awardbot: no database at {db} (set AWARDBOT_DB or --db)"
    assert not (tmp_path / "elsewhere.db").exists()
    assert list(db.parent.iterdir()) == []  # nothing created
