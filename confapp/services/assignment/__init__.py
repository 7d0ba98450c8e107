"""Assignment (Zuteilung): workshop seats from ranked wishes, optimal and explained.

workflow   preview, apply and notify: the entry point for views, the API and the CLI
runs       a preview computed in the background, its progress and report kept in the database
fill       seats for people promoted from the waitlist of a ranked event, from their wishes
model      the problem as plain values, loaded from an event
solver     the integer program handed to HiGHS (wishes as variables, unwished seats in pools)
seating    the pools' members seated without repeats, and the cost that proves the result optimal
report     how many got which wish, fill and sector mix per workshop
"""
