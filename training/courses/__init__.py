"""Courses: enrolment, lessons, quizzes, pre/post tests, completion and certificates."""
