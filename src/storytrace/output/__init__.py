"""What an analysis gives back: the storytrace/1 document, JSONL parts, the terminal summary."""
