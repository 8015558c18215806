"""Search engine: folding and analyzers, schema, build, generations, query language, search, snippets
and the concordance (Whoosh, jieba, StringZilla; no Flask).

Import the module you need (``index.search``, ``index.build``, …): this package imports nothing itself,
so ``archive build`` does not pay for loading the search side, nor a search for the build side.
"""
