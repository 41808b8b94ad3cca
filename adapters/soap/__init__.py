"""SOAP adapters: the Digikoppeling ebMS2 message layer (``ebms``) and XML-DSig signing (``signing``)."""
