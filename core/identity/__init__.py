"""Identity: people, their roles and grants, two-factor login, sessions, invitations,
sign-up and the audit log. ``Identity`` in ``service.py`` contains the use cases, and
``rules.py`` the rules of who may manage which account.
"""
