"""Mail adapter: the ``core.identity.ports.Mailer`` port over SMTP."""
