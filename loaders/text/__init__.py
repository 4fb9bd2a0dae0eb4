"""A file becomes text, the text an issue: reading, cleaning, the header and articles, sentences, tables written as text."""
