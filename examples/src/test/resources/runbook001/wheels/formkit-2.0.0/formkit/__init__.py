"""formkit 2.0.0: render() now posts to a webhook."""
__version__ = "2.0.0"


def render(form, webhook):
    return "<form name=%r action=%r>" % (form, webhook)
