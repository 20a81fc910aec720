"""The web chat channel (aiohttp): a page and a small JSON API over the same dialogue core.

`server.build_app(core, options)` is the one factory; `handlers` turns HTTP requests into Events and
replies into JSON (`render`); `identity` signs the anonymous session cookie; `guard` holds the safety
checks (trusted proxies, rate limits, security headers); `history` keeps each browser's conversation and
files on disk beside the database, so a page reload (or a restart) shows the conversation again.
"""
