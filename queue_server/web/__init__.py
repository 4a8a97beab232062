"""Server-rendered pages (the landing page here; counter, evaluator and dashboard to come)."""
