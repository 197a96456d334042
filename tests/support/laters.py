"""The background jobs (search.parallel.Later) a module makes, recorded for a test."""

from listings.search.parallel import Later


def recorded_laters(monkeypatch, module) -> list[Later]:
    """Every Later that `module` makes from now on, in order."""
    made = []

    class Recorded(Later):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(module, "Later", Recorded)
    return made
