"""The Wlz service: the Wlz register, the registertoets and Wlz signalen.

The CIZ supplies the Wlz indications (``register.py``), a gemeente asks whether
residents have one on a date (``registertoets.py``), and the hub tells a gemeente when a
resident with a running or requested Wmo or Jeugd provision (``provisions.py``) gets
or loses a Wlz indication (``signals.py``). Formats and rules: docs/wlz.md.
"""
