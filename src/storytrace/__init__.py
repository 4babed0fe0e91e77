"""storytrace: trace how a news story spreads."""

__version__ = "0.1.0"
