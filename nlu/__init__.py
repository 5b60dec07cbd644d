"""Natural-language understanding: intents, entities and sentiment."""
