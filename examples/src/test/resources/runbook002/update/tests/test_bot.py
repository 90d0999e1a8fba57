import bot


def test_greets_by_name():
    assert bot.greet("Taras") == "Hello, Taras!"


def test_greets_in_ukrainian():
    assert bot.greet("Оксана", "uk") == "Привіт, Оксана!"
