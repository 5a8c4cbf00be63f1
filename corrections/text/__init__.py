"""Parsing the article format, Markdown, the one sanitizer, diffs and anchoring."""
