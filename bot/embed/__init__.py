"""Embedders behind one interface, with a content-hash cache."""

from bot.embed.base import Embedder, make_embedder

__all__ = ["Embedder", "make_embedder"]
