"""Add the indexes that let the overview count a mailbox without reading its rows.

Counting per service and status over a period reads only the index entries of one
organisation's period, and counting the messages waiting for download reads only the
entries of the waiting states.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_messages_recipient_status_service": ["recipient", "status", "service"],
    "ix_messages_recipient_received_at_service_status": ["recipient", "received_at", "service", "status"],
    "ix_messages_sender_received_at_service_status": ["sender", "received_at", "service", "status"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "messages", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="messages")
