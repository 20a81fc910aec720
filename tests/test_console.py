"""The console adapter runs the same conversations as Telegram: numbered buttons, EOF, a real process."""

from __future__ import annotations

from tests.conftest import run_cli
from tests.support.channels import ConsoleChat


def test_buttons_are_numbered_and_a_letter_presses_a_quiz_option(core, tmp_path):
    chat = ConsoleChat(core, tmp_path)
    chat.say("/quiz quick")
    assert "  [1] A" in chat.text
    assert "🤷 不知道" in chat.text
    chat.say("b")  # the option's letter works as well as its number
    assert "第 2/14 题" in chat.text
    chat.say("99")  # not a button on screen: read as a question, answered politely
    assert chat.text.strip()


def test_images_and_files_are_written_and_their_path_printed(core, tmp_path):
    chat = ConsoleChat(core, tmp_path)
    chat.say("/mydata")
    path = chat.text.split("📎 ")[1].strip()
    assert path.endswith("awardbot-mydata.json")
    assert (tmp_path / "files" / "console%3Acarol" / "awardbot-mydata.json").exists()  # the user's own folder


def test_the_chat_command_ends_cleanly_at_end_of_input(cli_env):
    out = run_cli("chat", input="战略部署怎么写\n", env=cli_env)
    assert out.returncode == 0
    assert "4.2.3" in out.stdout
    assert "Traceback" not in out.stderr


def test_an_unexpected_error_is_logged_the_user_gets_an_apology_and_the_loop_goes_on(core, tmp_path, caplog):
    import io
    import logging

    from bot.channels.console import Console
    from bot.dialogue import Dialogue

    out = io.StringIO()
    console = Console(Dialogue(core), tmp_path / "files", user="console:erin", out=out)
    real = core.knowledge

    class Broken:  # a knowledge base whose answerer fails, as a bug in the core would
        kb = real.kb

        @property
        def answerer(self):
            raise RuntimeError("boom in the core")

    with caplog.at_level(logging.ERROR, logger="bot.channels.console"):
        core.knowledge = Broken()
        try:
            code = console.run(io.StringIO("战略部署怎么写\n"), first=None)
        finally:
            core.knowledge = real
        assert code == 0
        shown = console.step("战略部署怎么写")  # the loop lives on and the next line is answered
    assert "抱歉，我这边出了点问题" in out.getvalue()
    assert "Sorry, something went wrong" in out.getvalue()
    assert "boom" not in out.getvalue()  # no exception text reaches the user
    assert "4.2.3" in shown
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors
    assert errors[0].exc_info
    assert "console:erin" in errors[0].getMessage()
