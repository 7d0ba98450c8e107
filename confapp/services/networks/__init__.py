"""Networks and the people who work in them.

access         who may see what: every back-office and door lookup goes through here
accounts       people who sign in: creating users, checking and changing passwords, ending sessions
team           a network's team: invitations, role changes, removal (the last admin stays)
recovery       „Passwort vergessen?“: single-use reset links by e-mail
second_factor  TOTP from an authenticator app, recovery codes, the network's requirement
one_time       secrets for single-use links, stored as hashes
api_tokens     tokens for the JSON API, created and revoked by admins
audit          the audit log of organisers' actions
logos          the network's logo, checked and cleaned on upload
"""
