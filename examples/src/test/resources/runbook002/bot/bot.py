"""pthn_bot: the Telegram bot's replies (version 1)."""
VERSION = "1"


def greet(name):
    return "Hello, " + name + "!"
