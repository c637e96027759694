"""The local target: the same functions/ and statemachines/ on this machine (embedded PostgreSQL + moto).

Never shipped to Lambda: the layer bundle excludes portal.local and portal.cli.
"""
