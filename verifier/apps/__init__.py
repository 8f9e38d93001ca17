"""The applications: tournaments, parameter sweeps, plots, the findings page, and the
`rov` command line on top of everything.

May import: every other layer; nothing below imports this one.
"""
