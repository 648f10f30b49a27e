"""Helpers shared by the tests (no tests here): builders of groups, quizzes and attempts,
and the seed lessons taken once per test process and put back for each test."""
