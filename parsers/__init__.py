"""One module per input format: bytes in, canonical documents (or a layout) out. See ``registry``."""
