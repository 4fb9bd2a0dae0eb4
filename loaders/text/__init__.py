"""A file becomes text, the text an issue: reading, cleaning, the header and articles, sentences, tables written as text."""

# The file types an issue of the brief is read from (loaders.text.reading): the upload page, a
# batch import and the evaluation take these, and only these, as issues.
BRIEF_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
