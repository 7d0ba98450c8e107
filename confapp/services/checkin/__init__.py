"""The door: who is here.

door         finding a person by badge or name, checking in and undoing it, live counts
attendance   who was in which workshop, marked in the room
door_codes   the short code printed under a badge's QR code, typed in when the camera fails
"""
