"""Registration: how a person gets, changes and gives back a seat at an event.

register   a new registration: a seat or the waitlist, history, the confirmation e-mail
change     wishes changed, cancelled, reactivated, promoted from the waitlist, moved (attendee and organiser)
admin      what only organisers do: add by hand, edit, cancel, move, promote the waitlist
details    attendee details: find, list, corrected by the attendee (link) or organisers (all fields)
listing    the organiser's registrations table: search, filters, sorting, pages
lookup     a registration as its attendee sees it: manage link, wishes, seats, waitlist place
rules      what makes a registration valid, with the German messages and the errors
choices    what an attendee may wish for or take per slot
seats      the one lock helper and the conditional UPDATEs that decide seats
"""
