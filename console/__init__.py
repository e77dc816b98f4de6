"""The staff console: a small aiohttp web app (pages and a JSON API) over refund_desk's rules.

    python -m console.server            # STAFF_HOST:STAFF_PORT, 127.0.0.1:8090 by default

Layout: app.py (the app factory and its middlewares), desk.py (the services the routes share),
pages.py (server-rendered pages), api.py (the JSON API under /api/), templates/, static/.
"""
