"""SQLite enforces the schema's foreign keys, and rows orphaned before it did are cleaned up once."""
from __future__ import annotations

import sqlite3

from flask_migrate import upgrade
from sqlalchemy import func, select

from confapp import create_app
from confapp.extensions import db
from confapp.models import Preference, ProgramItem
from confapp.services.events.demo import load_demo


def test_rows_orphaned_before_sqlite_enforced_foreign_keys_are_deleted_or_let_go(tmp_path):
    path = tmp_path / "old.sqlite"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "RATELIMIT_ENABLED": False,
                      "MAIL_OUTBOX_DIR": str(tmp_path / "outbox")})
    with app.app_context():
        upgrade(revision="0014_unplaced")
        load_demo(registrations=30)
        wished = db.session.scalar(select(Preference.program_item_id).limit(1))
        roomed = db.session.scalar(select(ProgramItem).where(ProgramItem.room_id.is_not(None),
                                                             ProgramItem.id != wished))
        roomed_id, room_id = roomed.id, roomed.room_id
        wishes = db.session.scalar(select(func.count(Preference.id)))
        orphaned = db.session.scalar(select(func.count(Preference.id)).where(Preference.program_item_id == wished))
        db.session.remove()
        db.engine.dispose()
    # What deletions did before: the rows went, nothing that referred to them did.
    with sqlite3.connect(path) as old:
        old.execute("DELETE FROM program_item WHERE id = ?", (wished,))
        old.execute("DELETE FROM room WHERE id = ?", (room_id,))
        assert old.execute("PRAGMA foreign_key_check").fetchall()
    old.close()

    with app.app_context():
        upgrade()
        assert db.session.scalar(select(func.count(Preference.id))) == wishes - orphaned
        assert db.session.get(ProgramItem, roomed_id).room_id is None
        assert db.session.connection().exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert db.session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.session.remove()
        db.engine.dispose()
