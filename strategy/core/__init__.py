"""The ground floor: settings, errors, the database and its tables, cleaning text and values, UK dates,
who is writing (authors), who may do what (access), the audit log and version-checked revisions.
Imports nothing else of ``strategy``."""
