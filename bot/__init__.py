"""awardbot: a bilingual guide to the city mayor quality award and the GB/T 19580 excellence model."""

__version__ = "0.1.0"
