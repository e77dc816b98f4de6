"""Start-up wiring of the Rasa processes: Rasa endpoints and worker counts from the settings."""
