"""What people read: documents built from an audit (the JSON shapes, the table rows and their
column specs), rendered by :mod:`kpiaudit.reporters.tables`. Pure functions over results."""
