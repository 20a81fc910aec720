"""The one list of transcripts, through every channel: the dialogue core, the console, and the real
Telegram Application against the fake Bot API on 127.0.0.1 (tests/support/channels.py)."""

from __future__ import annotations

import pytest

from tests.support.channels import CHANNELS
from tests.support.transcript import SCENARIOS, play


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("channel", sorted(CHANNELS))
async def test_every_transcript_through_every_channel(request, channel, name):
    async with CHANNELS[channel](request) as driver:
        await play(driver, SCENARIOS[name])
