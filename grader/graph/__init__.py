"""The book's computational graphs, drawn: values on edges (values), layout, text and SVG."""
