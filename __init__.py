"""supportgraph: a grounded, policy-gated customer-support agent on LangGraph."""
