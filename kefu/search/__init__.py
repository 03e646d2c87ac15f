"""Chinese full-text search: one index (SQLite FTS5 or a PostgreSQL `simple` tsvector) for every app.

Apps put documents (kind, object id, title, body) and ask for ranked ids; `kefu.search.sources`
keeps the work orders, customers and complaints indexed on every write.
"""
