import bot


def test_greets_by_name():
    assert bot.greet("Taras") == "Hello, Taras!"
