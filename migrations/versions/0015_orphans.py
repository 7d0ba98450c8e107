"""orphans: on SQLite, rows left behind by deletions before foreign keys were enforced there

Revision ID: 0015_orphans
Revises: 0014_unplaced
Create Date: 2026-12-03 06:10:00

Until now SQLite ignored the schema's foreign keys, so deleting a program item, event or
network left the rows that referred to it (a leader, slides, feedback questions), and a new row
that took over the deleted id took them over too. The app now has SQLite enforce them; this does
once what ON DELETE would have done: rows pointing at nothing are deleted (CASCADE) or let go
(SET NULL). PostgreSQL always enforced them: nothing to do there.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_orphans'
down_revision = '0014_unplaced'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # A deleted row may have been the parent of others: again until nothing points at nothing.
    while broken := bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
        for table, rowid, _parent, key_id in broken:
            # id, seq, table, from, to, on_update, on_delete, match
            key = next(row for row in bind.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")') if row[0] == key_id)
            if key[6] == "SET NULL":
                bind.exec_driver_sql(f'UPDATE "{table}" SET "{key[3]}" = NULL WHERE rowid = ?', (rowid,))
            else:
                bind.exec_driver_sql(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))


def downgrade():
    pass  # what was deleted pointed at nothing
