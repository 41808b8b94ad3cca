"""Create the Digikoppeling tables: CPAs, received ebMS messages, StUF references, the
outbox, per-organisation StUF versions and alerts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def text(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    create_cpas()
    create_inbound_and_references()
    create_outbox()
    create_organisations_and_alerts()


def create_cpas() -> None:
    op.create_table(
        "cpas",
        sa.Column("cpaid", sa.String(255), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("xml", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("hub_oin", sa.String(64), nullable=False),
        sa.Column("party_oin", sa.String(64), nullable=False),
        timestamp("start"),
        timestamp("end"),
        timestamp("created_at"),
        text("created_by", nullable=False),
        sa.Column("profile", sa.String(16), nullable=True),
        timestamp("activated_at", nullable=True),
        text("activated_by"),
        timestamp("ended_at", nullable=True),
        text("ended_by"),
        sa.PrimaryKeyConstraint("cpaid", name="pk_cpas"),
    )
    op.create_index("ix_cpas_organisation_created_at", "cpas", ["organisation", "created_at"])


def create_inbound_and_references() -> None:
    op.create_table(
        "ebms_inbound",
        sa.Column("cpa_id", sa.String(255), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        text("service", nullable=False),
        sa.Column("action", sa.String(255), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        timestamp("received_at"),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("core_message_id", sa.String(36), nullable=True),
        sa.Column("fo01_code", sa.String(64), nullable=True),
        timestamp("processed_at", nullable=True),
        sa.PrimaryKeyConstraint("cpa_id", "message_id", name="pk_ebms_inbound"),
    )
    op.create_table(
        "stuf_references",
        sa.Column("id", SERIAL, autoincrement=True, nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("referentienummer", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        timestamp("created_at"),
        sa.Column("message_id", sa.String(36), nullable=True),
        sa.Column("ebms_message_id", sa.String(255), nullable=True),
        sa.Column("cross_refnummer", sa.String(64), nullable=True),
        sa.Column("heen_message_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_stuf_references"),
        sa.UniqueConstraint("organisation", "referentienummer",
                            name="uq_stuf_references_organisation_referentienummer"),
    )
    op.create_index("ix_stuf_references_message_id", "stuf_references", ["message_id"], unique=True)
    op.create_index("ix_stuf_references_referentienummer", "stuf_references", ["referentienummer"])


def create_outbox() -> None:
    op.create_table(
        "ebms_outbox",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        timestamp("created_at"),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("cpa_id", sa.String(255), nullable=True),
        sa.Column("message_id", sa.String(36), nullable=True),
        sa.Column("ebms_message_id", sa.String(255), nullable=True),
        sa.Column("ref_to_message_id", sa.String(255), nullable=True),
        text("conversation_id"),
        timestamp("stamped_at", nullable=True),
        text("content_type"),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("sends", sa.Integer(), nullable=False),
        timestamp("first_sent_at", nullable=True),
        timestamp("last_sent_at", nullable=True),
        timestamp("acknowledged_at", nullable=True),
        text("last_error"),
        timestamp("due_at", nullable=True),
        text("lease_owner"),
        timestamp("lease_until", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ebms_outbox"),
    )
    op.create_index("ix_ebms_outbox_ebms_message_id", "ebms_outbox", ["ebms_message_id"], unique=True)
    op.create_index("ix_ebms_outbox_kind_state_due_at", "ebms_outbox", ["kind", "state", "due_at"])
    op.create_index("ix_ebms_outbox_message_id", "ebms_outbox", ["message_id"])


def create_organisations_and_alerts() -> None:
    op.create_table(
        "digikoppeling_organisations",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("stuf_version", sa.String(16), nullable=False),
        timestamp("updated_at"),
        text("updated_by", nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_digikoppeling_organisations"),
    )
    op.create_table(
        "digikoppeling_alerts",
        sa.Column("id", sa.String(36), nullable=False),
        timestamp("at"),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        text("detail", nullable=False),
        sa.Column("message_id", sa.String(36), nullable=True),
        sa.Column("ebms_message_id", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_digikoppeling_alerts"),
    )
    op.create_index("ix_digikoppeling_alerts_organisation_at", "digikoppeling_alerts", ["organisation", "at"])
    op.create_index("ix_digikoppeling_alerts_at", "digikoppeling_alerts", ["at"])


def downgrade() -> None:
    for table in ("digikoppeling_alerts", "digikoppeling_organisations", "ebms_outbox", "stuf_references",
                  "ebms_inbound", "cpas"):
        op.drop_table(table)
