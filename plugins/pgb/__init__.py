"""The Pgb service: berichtenverkeer Trekkingsrecht pgb between gemeenten and the SVB.

The hub defines the file format itself (iPgb 1.0, namespaces ``urn:ggk:ipgb:1_0:...``)
and ships its XSDs in ``xsd/``; docs/pgb.md describes it. The entry point
``pgb = "plugins.pgb.plugin"`` registers the service.
"""
