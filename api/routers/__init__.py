"""The API's routers, one module per resource; each route is a sync `def` over a SQLAlchemy session."""
