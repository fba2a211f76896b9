"""Typed models of incident files and policies (pydantic v2)."""
