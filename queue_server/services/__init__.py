"""Use cases: load what a rule needs, apply the domain rule, save in one transaction, publish.

Every use case takes a ``Context`` first; events are published only after the commit.
"""
