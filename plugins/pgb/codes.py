"""Rejection codes of the Pgb content rules, for faults that neither an XSD nor the field has a code for.

The hub's own file codes are GGK001-GGK006; the block GGK601-GGK699 belongs to this
plugin. docs/pgb.md lists each code with its Dutch explanation.
"""

from __future__ import annotations

GGK601 = "GGK601"  # an Einddatum lies before its Ingangsdatum
GGK602 = "GGK602"  # a Bsn fails the elfproef
GGK603 = "GGK603"  # a granted budget is zero or credit
GGK604 = "GGK604"  # a Restant differs from ToegekendBudget minus BesteedBedrag

ALL_CODES = {GGK601, GGK602, GGK603, GGK604}
