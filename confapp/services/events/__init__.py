"""Events: finding them, editing them and their program, moving them as files.

lookup        events as the public and organisers may see them
editor        creating and changing an event's details and status; duplicating for next year
program       slots, rooms, talks, workshops and theme tables
file_format   reading and checking an event file (format, limits, German messages)
file_io       importing an event file into the database and exporting one
demo          the demo networks and events with fake registrations
"""
