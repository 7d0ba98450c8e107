"""Numbers and files a network hands on.

statistics   registrations over time, by sector, by workshop, check-in rate
exports      registrations and workshop lists as CSV, XLSX and JSON, safe against formulas
needs        lists for caterer, venue and photographer: diets, access needs, no photo consent
"""
