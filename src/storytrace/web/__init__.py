"""``storytrace serve``: a local web app over a store (README, "Web app").

Modules, one job each: store_access.py (every call into the store), bodies.py (request bodies to
articles), safety.py (body limit, security headers, loopback check), api.py (the JSON API),
ui.py (the pages and static files), app.py (``create_app``), serve.py (uvicorn). fastapi and
uvicorn are imported only here, so the other commands run without them.
"""

from .app import create_app

__all__ = ["create_app"]
