"""Printed documents and lists: who is on them (the PDFs themselves are ``confapp.documents``).

printing         who gets a badge, a line on a sign-in sheet or a certificate, and the PDFs
cover            the event's cover photo behind the flyers' title: checked, made smaller, stored
print_runs       badge downloads, counted as printed only when the organiser confirms the print
workshop_lists   workshop leaders' lists of their own workshops
"""
