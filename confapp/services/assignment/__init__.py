"""Assignment (Zuteilung): workshop seats from ranked wishes, optimal and explained.

workflow   preview, apply and notify: the only entry point for views, the API and the CLI
model      the problem as plain values, loaded from an event
solver     the integer program handed to HiGHS
report     how many got which wish, fill and sector mix per workshop
"""
