"""Webhooks of saved searches: the outbox written after a run lands, and the sender that empties it.

Scheduler/worker side only; the API creates searches and reads deliveries, never sends.
"""

from scraper.webhooks.outbox import enqueue_deliveries
from scraper.webhooks.sender import SendReport, WebhookSender, start_sender

__all__ = ["SendReport", "WebhookSender", "enqueue_deliveries", "start_sender"]
