"""Migrations that tighten what the database holds: SQLite enforces the schema's foreign keys (rows
orphaned before are cleaned up once), and each partner institution is listed once per network."""
from __future__ import annotations

import sqlite3

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from confapp import create_app
from confapp.extensions import db
from confapp.models import Network, Partner, Preference, ProgramItem
from confapp.services.events.demo import load_demo
from confapp.services.partners import directory


def test_rows_orphaned_before_sqlite_enforced_foreign_keys_are_deleted_or_let_go(tmp_path):
    path = tmp_path / "old.sqlite"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "RATELIMIT_ENABLED": False,
                      "MAIL_OUTBOX_DIR": str(tmp_path / "outbox")})
    with app.app_context():
        upgrade()
        load_demo(registrations=30)
        wished = db.session.scalar(select(Preference.program_item_id).limit(1))
        roomed = db.session.scalar(select(ProgramItem).where(ProgramItem.room_id.is_not(None),
                                                             ProgramItem.id != wished))
        roomed_id, room_id = roomed.id, roomed.room_id
        wishes = db.session.scalar(select(func.count(Preference.id)))
        orphaned = db.session.scalar(select(func.count(Preference.id)).where(Preference.program_item_id == wished))
        db.session.remove()
        db.engine.dispose()
        downgrade(revision="0014_unplaced")  # the schema of the app that did not enforce them
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


def test_institutions_written_twice_before_the_index_keep_apart_and_registering_finds_the_older(tmp_path):
    """Migration 0016 stores each institution's name as compared and makes it unique per network;
    two rows that differ only in case or spaces (possible before) both stay, the older one is found."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}",
                      "RATELIMIT_ENABLED": False, "MAIL_OUTBOX_DIR": str(tmp_path / "outbox")})
    with app.app_context():
        upgrade()
        load_demo(registrations=0)
        network_id = db.session.scalar(select(Network.id).where(Network.slug == "anhalt-bitterfeld"))
        db.session.remove()
        db.engine.dispose()
        downgrade(revision="0015_orphans")
        for name in ("Kita  Regenbogenfisch Zörbig", "kita regenbogenfisch zörbig"):
            db.session.execute(text("INSERT INTO partner (network_id, name, sector, address, district, notes, created_at) "
                                    "VALUES (:network, :name, 'Kita', '', '', '', '2026-01-01 00:00:00')"),
                               {"network": network_id, "name": name})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
        upgrade()
        older, newer = db.session.scalars(select(Partner).where(Partner.name_key.startswith("kita regenbogenfisch zörbig"))
                                          .order_by(Partner.id)).all()
        assert (older.name_key, newer.name_key) == ("kita regenbogenfisch zörbig", f"kita regenbogenfisch zörbig #{newer.id}")
        assert directory.id_by_name(network_id, " KITA Regenbogenfisch  ZÖRBIG") == older.id
        db.session.remove()
        db.engine.dispose()
