"""Pure domain rules of the queue server: ID numbers, ticket numbering, opening hours, who is
called next, ticket state changes, wait estimates, evaluation grades and statistics.

Standard library only. Time, ids and keys come in as arguments, so every rule can be tested
without a database, a web server or a clock.
"""
