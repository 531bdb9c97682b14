"""Crews: ordered agents working through tasks, in sequence or under a manager."""
