"""E-mail: nothing is lost, nothing leaves without the change it reports.

outbox     queue in the caller's transaction, send afterwards, retry on failure
messages   organisers' e-mails to all or some attendees, with placeholders
calendar   the event as an .ics file for confirmations and the manage page, and its cancellation
bulk       the confirmation step of every mass e-mail: how many, one e-mail shown, then send
"""
