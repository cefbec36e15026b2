"""One run: the runner, its result tables and summary, the scorecard, figures and atomic I/O."""
