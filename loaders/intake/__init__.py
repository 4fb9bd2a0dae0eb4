"""From a brief file or a typed-in figures table to an Extraction, and the rows a reviewer checked."""
