"""Create the hub's tables: organisations, freezes, schema releases, messages, deliveries, payloads.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    create_organisations()
    create_schema_releases()
    create_messages()
    create_deliveries()
    op.create_table(
        "payloads",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_payloads"),
    )


def create_organisations() -> None:
    op.create_table(
        "organisations",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("oin", sa.String(64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_organisations"),
    )
    op.create_table(
        "enrolments",
        sa.Column("id", SERIAL, autoincrement=True, nullable=False),
        sa.Column("organisation_code", sa.String(64), nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_enrolments"),
        sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"], ondelete="CASCADE",
                                name="fk_enrolments_organisation_code_organisations"),
        sa.UniqueConstraint("organisation_code", "service", "channel",
                            name="uq_enrolments_organisation_code_service_channel"),
    )
    op.create_table(
        "freezes",
        sa.Column("message_type", sa.String(64), nullable=False),
        timestamp("since"),
        timestamp("until", nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("message_type", name="pk_freezes"),
    )


def create_schema_releases() -> None:
    op.create_table(
        "schema_sets",
        sa.Column("id", sa.String(36), nullable=False),
        timestamp("imported_at"),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("namespaces", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_schema_sets"),
    )
    op.create_table(
        "schema_files",
        sa.Column("schema_set_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("schema_set_id", "name", name="pk_schema_files"),
        sa.ForeignKeyConstraint(["schema_set_id"], ["schema_sets.id"], ondelete="CASCADE",
                                name="fk_schema_files_schema_set_id_schema_sets"),
    )
    op.create_table(
        "schema_activations",
        sa.Column("id", SERIAL, autoincrement=True, nullable=False),
        sa.Column("namespace", sa.Text(), nullable=False),
        sa.Column("schema_set_id", sa.String(36), nullable=False),
        timestamp("active_from"),
        sa.PrimaryKeyConstraint("id", name="pk_schema_activations"),
        sa.ForeignKeyConstraint(["schema_set_id"], ["schema_sets.id"], ondelete="CASCADE",
                                name="fk_schema_activations_schema_set_id_schema_sets"),
    )


def create_messages() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.String(36), nullable=False),
        timestamp("received_at"),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender", sa.String(64), nullable=True),
        sa.Column("filename", sa.Text(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("payload_hash", sa.String(64), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("service", sa.String(64), nullable=True),
        sa.Column("message_type", sa.String(64), nullable=True),
        sa.Column("release", sa.String(64), nullable=True),
        sa.Column("direction", sa.String(16), nullable=True),
        sa.Column("bericht_code", sa.String(64), nullable=True),
        sa.Column("recipient", sa.String(64), nullable=True),
        sa.Column("identity_party", sa.String(64), nullable=True),
        sa.Column("identificatie", sa.Text(), nullable=True),
        sa.Column("dagtekening", sa.Date(), nullable=True),
        sa.Column("retour_identificatie", sa.Text(), nullable=True),
        sa.Column("retour_dagtekening", sa.Date(), nullable=True),
        sa.Column("retour_codes", sa.Text(), nullable=False),
        sa.Column("xsd_versie", sa.String(64), nullable=True),
        sa.Column("schema_set_id", sa.String(36), nullable=True),
        sa.Column("dedup_key", sa.Text(), nullable=True),
        sa.Column("link_key", sa.Text(), nullable=True),
        sa.Column("heen_id", sa.String(36), nullable=True),
        sa.Column("retour_id", sa.String(36), nullable=True),
        sa.Column("heen_unknown", sa.Boolean(), nullable=False),
        sa.Column("reject_code", sa.String(64), nullable=True),
        sa.Column("reject_detail", sa.Text(), nullable=True),
        sa.Column("reject_line", sa.Integer(), nullable=True),
        sa.Column("reject_column", sa.Integer(), nullable=True),
        sa.Column("source_ref", sa.Text(), nullable=True),
        timestamp("downloaded_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
    )
    op.create_index("ix_messages_dedup_key", "messages", ["dedup_key"], unique=True)
    op.create_index("ix_messages_source_ref", "messages", ["source_ref"], unique=True)
    op.create_index("ix_messages_link_key", "messages", ["link_key"])
    op.create_index("ix_messages_recipient_received_at_id", "messages", ["recipient", "received_at", "id"])
    op.create_index("ix_messages_sender_received_at_id", "messages", ["sender", "received_at", "id"])
    op.create_index("ix_messages_message_type", "messages", ["message_type"])
    op.create_index("ix_messages_identificatie", "messages", ["identificatie"])

    op.create_table(
        "message_events",
        sa.Column("id", SERIAL, autoincrement=True, nullable=False),
        sa.Column("message_id", sa.String(36), nullable=False),
        timestamp("at"),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_message_events"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name="fk_message_events_message_id_messages"),
    )
    op.create_index("ix_message_events_message_id_id", "message_events", ["message_id", "id"])


def create_deliveries() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("message_id", sa.String(36), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        timestamp("due_at"),
        sa.Column("lease_owner", sa.Text(), nullable=True),
        timestamp("lease_until", nullable=True),
        timestamp("done_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name="fk_deliveries_message_id_messages"),
    )
    op.create_index("ix_deliveries_channel_done_at_due_at", "deliveries", ["channel", "done_at", "due_at"])
    op.create_index("ix_deliveries_recipient", "deliveries", ["recipient"])
    op.create_index("ix_deliveries_message_id", "deliveries", ["message_id"])


def downgrade() -> None:
    for table in ("payloads", "deliveries", "message_events", "messages", "schema_activations",
                  "schema_files", "schema_sets", "freezes", "enrolments", "organisations"):
        op.drop_table(table)
