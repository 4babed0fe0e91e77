"""Sentence vectors: the MiniLM encoder (torch or ONNX) and the on-disk vector cache."""
