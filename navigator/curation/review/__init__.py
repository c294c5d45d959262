"""Review queues and the listing editor: duplicates, staleness, reported problems, edits."""
