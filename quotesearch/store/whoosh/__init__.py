"""The whoosh store: everything that knows whoosh (schema, markers, locking, segments) lives here.

``WhooshStore`` (store.py) is imported on first use, so importing this package stays cheap."""


def __getattr__(name):
    if name == "WhooshStore":
        from .store import WhooshStore

        return WhooshStore
    raise AttributeError(name)
