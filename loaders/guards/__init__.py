"""What may come in and what may go out: archives within their caps, characters that never reach the store, formula-safe CSV."""
