"""Create the Wlz tables: the register and its imports, the registertoets audit, the
provisions of the gemeenten and the signals with their messages.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    create_register()
    create_provisions()
    create_signals()


def create_register() -> None:
    op.create_table(
        "wlz_indicaties",
        sa.Column("besluitnummer", sa.String(20), nullable=False),
        sa.Column("bsn", sa.Integer(), nullable=False),
        sa.Column("soort", sa.String(16), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("besluitnummer", name="pk_wlz_indicaties"),
    )
    op.create_index("ix_wlz_indicaties_bsn_ingangsdatum_einddatum_soort", "wlz_indicaties",
                    ["bsn", "ingangsdatum", "einddatum", "soort"])
    op.create_table(
        "wlz_imports",
        sa.Column("id", SERIAL, autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_format", sa.String(16), nullable=False),
        sa.Column("filename", sa.Text(), nullable=True),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        timestamp("imported_at"),
        sa.Column("actor", sa.Text(), nullable=False),
        *[sa.Column(name, sa.BigInteger(), nullable=False)
          for name in ("added", "changed", "ended", "removed", "unchanged")],
        sa.PrimaryKeyConstraint("id", name="pk_wlz_imports"),
    )
    op.create_index("ix_wlz_imports_sha256", "wlz_imports", ["sha256"], unique=True)
    op.create_table(
        "wlz_toets_audit",
        sa.Column("id", SERIAL, autoincrement=True, nullable=False),
        timestamp("at"),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=True),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("bsn_count", sa.Integer(), nullable=False),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_wlz_toets_audit"),
    )
    op.create_index("ix_wlz_toets_audit_organisation_id", "wlz_toets_audit", ["organisation", "id"])


def create_provisions() -> None:
    op.create_table(
        "wlz_voorzieningen",
        sa.Column("id", SERIAL, autoincrement=True, nullable=False),
        sa.Column("gemeente", sa.String(64), nullable=False),
        sa.Column("bsn", sa.Integer(), nullable=False),
        sa.Column("wet", sa.String(16), nullable=False),
        sa.Column("bron", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=True),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("referentie", sa.String(64), nullable=True),
        sa.Column("product_categorie", sa.String(16), nullable=True),
        sa.Column("product_code", sa.String(16), nullable=True),
        sa.Column("message_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_wlz_voorzieningen"),
    )
    op.create_index("ix_wlz_voorzieningen_bsn", "wlz_voorzieningen", ["bsn"])
    op.create_index("ix_wlz_voorzieningen_gemeente_bron_wet_referentie", "wlz_voorzieningen",
                    ["gemeente", "bron", "wet", "referentie"])


def create_signals() -> None:
    op.create_table(
        "wlz_signaalberichten",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("gemeente", sa.String(64), nullable=False),
        sa.Column("identificatie", sa.String(64), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        timestamp("created_at"),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(36), nullable=True),
        timestamp("sent_at", nullable=True),
        sa.Column("last_code", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_wlz_signaalberichten"),
    )
    op.create_index("ix_wlz_signaalberichten_message_id", "wlz_signaalberichten", ["message_id"])
    op.create_table(
        "wlz_signalen",
        sa.Column("id", SERIAL, autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("bsn", sa.Integer(), nullable=False),
        sa.Column("gemeente", sa.String(64), nullable=False),
        sa.Column("gebeurtenis", sa.String(16), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("sleutel_einddatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("soort", sa.String(16), nullable=False),
        sa.Column("voorzieningen", sa.Text(), nullable=False),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_wlz_signalen"),
        sa.ForeignKeyConstraint(["batch_id"], ["wlz_signaalberichten.id"],
                                name="fk_wlz_signalen_batch_id_wlz_signaalberichten"),
    )
    op.create_index("ix_wlz_signalen_signal_key", "wlz_signalen",
                    ["bsn", "gemeente", "gebeurtenis", "ingangsdatum", "sleutel_einddatum"], unique=True)
    op.create_index("ix_wlz_signalen_gebeurtenis_gemeente", "wlz_signalen", ["gebeurtenis", "gemeente"])
    op.create_index("ix_wlz_signalen_batch_id", "wlz_signalen", ["batch_id"])


def downgrade() -> None:
    for table in ("wlz_signalen", "wlz_signaalberichten", "wlz_voorzieningen", "wlz_toets_audit",
                  "wlz_imports", "wlz_indicaties"):
        op.drop_table(table)
