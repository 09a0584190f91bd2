"""earnest: a seriousness model in production on a live stream of Reddit posts."""

__version__ = "0.1.0"
