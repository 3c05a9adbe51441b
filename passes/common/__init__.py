"""Helpers several passes share: IR walking, kernel functions, linalg.generic
maps and interchange. No passes live here."""
