"""Stores: where statements are kept and searched. ``base`` says what every store answers; ``query`` is the
query syntax parsed once for all of them."""
