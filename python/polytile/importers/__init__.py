"""Importers from model formats into the tg dialect."""
