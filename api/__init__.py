"""HTTP routers: the LangServe support runnable and health."""
