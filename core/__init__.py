"""The hub's core: organisations, principals and grants, messages and their track & trace,
schema releases, the plugin host and the ports that adapters implement.

Core imports no adapter and no plugin; the composition root in ``config`` wires them.
"""
