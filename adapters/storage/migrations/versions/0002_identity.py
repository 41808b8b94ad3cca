"""Create the identity tables: users with roles, grants and credentials, sessions,
login throttles, invitations, sign-up applications and audit records.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def user_id_column() -> sa.Column:
    return sa.Column("user_id", sa.String(36), nullable=False)


def user_foreign_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE", name=f"fk_{table}_user_id_users")


def upgrade() -> None:
    create_users()
    create_credentials()
    create_sessions()
    create_signups_and_audit()


def create_users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("organisation_code", sa.String(64), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        timestamp("created_at", nullable=True),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.ForeignKeyConstraint(["organisation_code"], ["organisations.code"],
                                name="fk_users_organisation_code_organisations"),
    )
    op.create_index("ix_users_username", "users", ["username"], unique=True)
    op.create_index("ix_users_organisation_code", "users", ["organisation_code"])
    op.create_table(
        "user_roles",
        user_id_column(),
        sa.Column("role", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "role", name="pk_user_roles"),
        user_foreign_key("user_roles"),
    )
    op.create_table(
        "user_grants",
        user_id_column(),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "service", "action", name="pk_user_grants"),
        user_foreign_key("user_grants"),
    )


def create_credentials() -> None:
    op.create_table(
        "user_passwords",
        user_id_column(),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_user_passwords"),
        user_foreign_key("user_passwords"),
    )
    op.create_table(
        "user_totp",
        user_id_column(),
        sa.Column("sealed_secret", sa.LargeBinary(), nullable=False),
        timestamp("created_at"),
        timestamp("confirmed_at", nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", name="pk_user_totp"),
        user_foreign_key("user_totp"),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", SERIAL, autoincrement=True, nullable=False),
        user_id_column(),
        sa.Column("code_hash", sa.String(64), nullable=False),
        timestamp("created_at"),
        timestamp("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_recovery_codes"),
        user_foreign_key("recovery_codes"),
        sa.UniqueConstraint("user_id", "code_hash", name="uq_recovery_codes_user_id_code_hash"),
    )
    op.create_table(
        "invitations",
        sa.Column("token_hash", sa.String(64), nullable=False),
        user_id_column(),
        timestamp("created_at"),
        timestamp("expires_at"),
        sa.Column("created_by", sa.Text(), nullable=False),
        timestamp("used_at", nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_invitations"),
        user_foreign_key("invitations"),
    )
    op.create_index("ix_invitations_user_id", "invitations", ["user_id"])


def create_sessions() -> None:
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        user_id_column(),
        sa.Column("stage", sa.String(32), nullable=False),
        timestamp("created_at"),
        timestamp("last_seen_at"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
        user_foreign_key("sessions"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("failures", sa.BigInteger(), nullable=False),
        timestamp("window_start"),
        timestamp("locked_until", nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttles"),
    )


def create_signups_and_audit() -> None:
    op.create_table(
        "signup_applications",
        sa.Column("id", sa.String(36), nullable=False),
        timestamp("submitted_at"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("channels", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.Text(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        timestamp("decided_at", nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("user_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_signup_applications"),
    )
    op.create_index("ix_signup_applications_status_submitted_at", "signup_applications", ["status", "submitted_at"])
    op.create_table(
        "audit_records",
        sa.Column("id", SERIAL, autoincrement=True, nullable=False),
        timestamp("at"),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("organisation_code", sa.String(64), nullable=True),
        sa.Column("actor_user_id", sa.String(36), nullable=True),
        sa.Column("subject_user_id", sa.String(36), nullable=True),
        sa.Column("message_id", sa.String(36), nullable=True),
        sa.Column("signup_id", sa.String(36), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_records"),
    )
    op.create_index("ix_audit_records_organisation_code_id", "audit_records", ["organisation_code", "id"])
    op.create_index("ix_audit_records_actor_user_id", "audit_records", ["actor_user_id"])
    op.create_index("ix_audit_records_subject_user_id", "audit_records", ["subject_user_id"])
    op.create_index("ix_audit_records_message_id", "audit_records", ["message_id"])
    op.create_index("ix_audit_records_at", "audit_records", ["at"])


def downgrade() -> None:
    for table in ("audit_records", "signup_applications", "login_throttles", "sessions", "invitations",
                  "recovery_codes", "user_totp", "user_passwords", "user_grants", "user_roles", "users"):
        op.drop_table(table)
