"""cleaner: scraped news text in, the article alone out, with every removal explained."""
from .document import Removal, Result
from .pipeline import Cleaner, clean
from .ruleset import RuleError

__all__ = ["clean", "Cleaner", "Result", "Removal", "RuleError"]
__version__ = "0.1.0"
