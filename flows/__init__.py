"""Prefect flows and tasks: they schedule, batch, retry and report; every decision is a call into ``pipeline``."""
