"""Feedback after the event: a questionnaire per event, answered anonymously, results for groups of five or more.

questionnaire   the questions (rating, single and multiple choice, free text), the default for a
                Fachtagung, when answers open, the event's short code
answering       personal one-time links and the short code; who is asked what; storing answers
                without the registration
results         counts, averages and charts per question, talk, workshop and sector; PDF and XLSX
"""
