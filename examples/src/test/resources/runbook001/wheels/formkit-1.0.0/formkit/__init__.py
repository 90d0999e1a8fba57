"""formkit 1.0.0: renders a form (a stand-in for the bot's form library)."""
__version__ = "1.0.0"


def render(form):
    return "<form name=%r>" % form
