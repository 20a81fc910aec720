"""`awardbot telegram` refuses bad webhook and logging settings with one line, before serving anything.

The real process runs against the fake Bot API on 127.0.0.1, so even a regression cannot reach Telegram.
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from tests.conftest import run_cli
from tests.support.tgharness import TOKEN
from tests.test_cli_errors import one_clear_line


@pytest.mark.parametrize(("name", "value"), [
    ("AWARDBOT_PORT", "abc"), ("AWARDBOT_PORT", "0"), ("AWARDBOT_PORT", "65536"), ("AWARDBOT_LOG_LEVEL", "LOUD"),
])
async def test_a_bad_webhook_port_or_log_level_stops_the_bot_with_one_line(name, value, fake, cli_env):
    env = cli_env | {"AWARDBOT_TOKEN": TOKEN, "AWARDBOT_API_BASE_URL": fake.base_url,
                     "AWARDBOT_WEBHOOK_URL": "http://127.0.0.1:9/awardbot", name: value}
    out = await asyncio.to_thread(run_cli, "telegram", env=env)
    one_clear_line(out, f"awardbot: {name}: ", f"`{value}`")
    assert fake.calls_of("setWebhook") == []


async def test_a_port_flag_out_of_range_is_refused(fake, cli_env):
    env = cli_env | {"AWARDBOT_TOKEN": TOKEN, "AWARDBOT_API_BASE_URL": fake.base_url}
    out = await asyncio.to_thread(run_cli, "telegram", "--webhook-url", "http://127.0.0.1:9/awardbot",
                                  "--port", "70000", env=env)
    one_clear_line(out, "--port", "70000")


async def test_a_webhook_port_already_in_use_is_one_line_not_a_traceback(fake, cli_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = cli_env | {"AWARDBOT_TOKEN": TOKEN, "AWARDBOT_API_BASE_URL": fake.base_url,
                         "AWARDBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/awardbot", "AWARDBOT_PORT": str(port)}
        out = await asyncio.to_thread(run_cli, "telegram", env=env)
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith(f"awardbot: the webhook server cannot listen on 127.0.0.1:{port}: "), last
    assert TOKEN not in out.stderr
