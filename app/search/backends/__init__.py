"""The index backends (:class:`app.search.types.Backend`):

- :mod:`.whoosh`: an embedded Whoosh index per document type (its analyzers in
  :mod:`.whoosh_analyzers`, its in-memory facet view in :mod:`.whoosh_view`, relevance score
  levels in :mod:`.scoring`);
- :mod:`.postgres`: full-text search in the application's PostgreSQL database;
- :mod:`.shared`: the fuzzy fallback and did-you-mean both use, so they answer alike.
"""
