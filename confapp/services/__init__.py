"""Business rules, one package per capability. Views, CLI commands and the API call these;
they never touch ``request``, and they own transactions and locking.

registration   how a person gets, changes and gives back a seat (and organisers' actions on it)
assignment     the optimal workshop assignment from ranked wishes: model, solver, report, apply
events         finding, editing and copying events and their program; the event file; the demo
checkin        the door: check-in by badge or name, walk-ins, workshop attendance
mail           the outbox, organisers' messages, calendar files
documents      who gets a badge, a line on a sign-in sheet, a certificate; workshop leaders' lists
reports        statistics and exports (CSV, XLSX, JSON)
privacy        retention and purge, access requests (Art. 15), legal pages
networks       networks and the people in them: access, accounts, team, sign-in recovery, second factor,
               API tokens, audit log, logo
"""
