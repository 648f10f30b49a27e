"""Signals other parts of the portal listen to."""

from django.dispatch import Signal

# Sent once a learner's answers have been scored on the server (a quiz attempt, a mock
# exam sitting, a review answer), after they are stored. Arguments: `user`, and `results`,
# a list of (question_id, correct) pairs; a question left unanswered counts as missed.
# The review queue (lessons/review/queue.py) listens to it; senders need not know it exists.
questions_answered = Signal()
