"""Demo data: the real network completed with fictitious, deterministic values (never real people)."""
