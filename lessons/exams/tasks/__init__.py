"""Hands-on tasks: a Kubernetes manifest the learner writes, checked on the server."""
