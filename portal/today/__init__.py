"""A learner's today across their study groups: each group's week on the home page, the
one next step, the streak, and when a lesson is due on the lesson page."""
