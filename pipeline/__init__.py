"""The stages and the order database. Never imports Prefect (flows/ orchestrates)."""
