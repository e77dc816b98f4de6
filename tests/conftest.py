"""Settings for every test and every server a test starts."""
import os

# Rasa's telemetry and crash reports go to outside services: never from tests (nor make run).
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
