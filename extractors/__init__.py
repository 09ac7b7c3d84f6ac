"""Layout in, canonical documents out (text PDFs, OCR, free text). Structured formats skip this stage."""
