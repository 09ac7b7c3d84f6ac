"""Batch reconciliation of invoices against delivery notes and orders (docs/reconciliation.md)."""
