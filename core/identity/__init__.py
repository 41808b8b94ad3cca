"""Identity: people, their roles and grants, two-factor login, sessions, invitations,
sign-up and the audit log. ``Identity`` in ``service.py`` holds the use cases; the
rules of who may manage which account are in ``rules.py``.
"""
