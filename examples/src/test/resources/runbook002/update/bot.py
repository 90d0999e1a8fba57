"""pthn_bot: the Telegram bot's replies (version 2: in the user's language)."""
VERSION = "2"

GREETINGS = {"en": "Hello", "uk": "Привіт"}


def greet(name, language="en"):
    return GREETINGS[language] + ", " + name + "!"
