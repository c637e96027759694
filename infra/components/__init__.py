"""One construct per file, one concern per construct; stacks compose them."""
