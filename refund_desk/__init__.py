"""Refund Desk: the business rules of the support assistant, free of Rasa."""
