"""Assignment (Zuteilung): workshop seats from ranked wishes, optimal and explained.

workflow   preview and apply: the entry point for views, the API and the CLI
notices    telling attendees their seats (or that a slot found none) by e-mail, once
runs       a preview computed in the background, its progress and report kept in the database
fill       seats for people promoted from the waitlist of a ranked event, from their wishes
model      the problem as plain values, loaded from an event
solver     the integer program of an assignment (wishes as variables, unwished seats in pools), exact
highs      the program's columns and rows, and how HiGHS solves it (relaxation first, then branch and bound)
seating    the pools' members seated without repeats, and the cost that proves the result optimal
report     how many got which wish, fill and sector mix per workshop
"""
