"""pthn_bot: the Telegram bot's replies (version 2, broken: Ukrainian is missing)."""
VERSION = "2"

GREETINGS = {"en": "Hello"}


def greet(name, language="en"):
    return GREETINGS[language] + ", " + name + "!"
