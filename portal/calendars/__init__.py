"""A learner's private calendar feed (ICS) of their groups' due dates."""
