"""What every `awardbot` sub-command shares: the one-line error, settings, opening the core or the database,
the shared flags, and reading `--answers`. Sub-command modules import this, never `bot.cli` itself."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


class CliError(Exception):
    """A user-facing failure: printed as one line, exit code `code`."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def load_settings(args):
    from bot import config

    try:
        return config.from_env(
            knowledge_dir=Path(args.knowledge) if getattr(args, "knowledge", None) else None,
            db_path=Path(args.db) if getattr(args, "db", None) else None,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def reason(path: Path, exc: Exception) -> str:
    """Why a file cannot be used, in a few lower-case words."""
    if path.is_dir():
        return "it is a directory"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__


def database_error(path: Path, exc: Exception, action: str = "open") -> CliError:
    """An unusable database file (not SQLite, unreadable, a directory, a path that cannot be created)."""
    return CliError(f"cannot {action} the database {path}: {reason(path, exc)} (set AWARDBOT_DB or --db)")


def open_db(settings):
    """The store, or one line naming the file and what is wrong with it."""
    from bot.store import Store

    try:
        return Store(settings.db_path)
    except (sqlite3.Error, OSError) as exc:
        raise database_error(settings.db_path, exc) from exc


def open_core(settings, open_store=True):
    """The core built by the composition root; a broken knowledge base or database is one clear error."""
    from bot import app
    from bot.kb.problems import KnowledgeError

    try:
        core = app.build(settings, open_store=False)
    except KnowledgeError as exc:
        lines = "\n".join(str(p) for p in exc.problems[:20])
        raise CliError(f"the knowledge base in {settings.knowledge_dir} is broken:\n{lines}", code=1) from exc
    if open_store:
        try:
            _ = core.store  # open (and migrate) now, so that a broken database fails at start
        except (sqlite3.Error, OSError) as exc:
            raise database_error(settings.db_path, exc) from exc
    return core


def out_dir(settings) -> Path:
    """Where the console writes charts, PDFs and exports: beside the database."""
    return settings.db_path.parent / "files"


def parse_answers(raw: str) -> dict:
    """`--answers`: JSON inline or `@file.json`."""
    text = raw
    if raw.startswith("@"):
        try:
            text = Path(raw[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot read answers file {raw[1:]}: {exc.strerror}") from exc
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"--answers is not valid JSON: {exc.msg} at position {exc.pos}") from exc
    return value


def score_answers(kb, raw: str, mode: str | None, lang: str) -> dict:
    """`--answers` validated, scored and worded in `lang` (quiz and report share it)."""
    from bot.assessment import scoring
    from bot.reports import summary

    answers = parse_answers(raw)
    try:
        mode = scoring.validate_answers(kb.quiz, answers, mode)
    except scoring.QuizInputError as exc:
        raise CliError(str(exc)) from exc
    return summary.score(kb, mode, answers, lang)
