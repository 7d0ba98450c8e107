"""Privacy: what is kept, for how long, and what people are told.

retention     deleting an event's personal data after its retention date
data_access   everything stored about one registration (Art. 15 DSGVO)
legal         Impressum, privacy notice, accessibility statement, Leichte Sprache
"""
