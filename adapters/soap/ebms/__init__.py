"""ebMS 2.0 over SOAP with attachments, as Digikoppeling profiles it.

    mime       multipart/related in and out
    envelope   SOAP envelope + ebMS header, validated against the ebMS 2.0 XSDs
    cpacheck   a parsed message against a CPA and the current time
    builders   Acknowledgment, MessageError, StatusResponse, Pong and outgoing messages
    errors     EbmsError with the ebMS error codes

Importing this package loads no schema and reads no file.
"""
