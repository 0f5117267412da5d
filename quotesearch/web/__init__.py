"""The web front door: ``quotesearch serve`` (pages and a JSON API over ``quotesearch.Index``).

``app.create_app(location)`` builds the Starlette application; ``server`` runs it with uvicorn.
Starlette, Jinja2 and uvicorn come with the ``web`` extra (``pip install 'quotesearch[web]'``)
and are imported by those modules only, so importing this package costs nothing.
"""

NEEDS = ("starlette", "jinja2", "uvicorn")  # the web extra's modules
