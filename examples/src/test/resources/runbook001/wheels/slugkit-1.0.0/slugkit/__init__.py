"""slugkit 1.0.0: added by the bot's 1.3.0."""
__version__ = "1.0.0"


def slug(text):
    return "-".join(text.lower().split())
