"""StUF-GGk envelopes: ``ggk_Di01`` (heenbericht), ``ggk_Du01`` (retourbericht) and ``Fo01``.

    model     StufVersion, Stuurgegevens, StufEnvelope
    schemas   the envelope XSDs from the folder the operator installs
    reader    bytes -> StufEnvelope, or StufFault with the GGk foutcode
    builder   StufEnvelope and Fo01 bytes for the hub's outgoing messages

Importing this package loads no schema and reads no file.
"""
