"""Networks and the people who work in them.

access       who may see what: every back-office and door lookup goes through here
accounts     people who sign in: creating users, checking and changing passwords
api_tokens   tokens for the JSON API, created and revoked by admins
audit        the audit log of organisers' actions
logos        the network's logo, checked and cleaned on upload
"""
