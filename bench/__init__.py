"""Speed benchmarks, printed as tables: `make bench` (`python -m supportgraph.bench`)."""
