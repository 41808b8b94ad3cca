"""CPA handling: the CPPA 2.0 model, parser, checks, generator and use cases.

Modules: ``model`` (dataclasses), ``parser`` (CpaParser), ``checks`` (warnings, hub_party),
``generator`` (generate_cpa, Profile, GGK_SERVICE), ``ports`` (CpaRepository),
``service`` (CpaService). Importing this package loads no schema and reads no file.
"""
