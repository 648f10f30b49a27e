"""Instructors' dashboards: a group's progress aggregated in SQL, shown, drilled into and
exported."""
