"""pytest setup: make the shared helpers in this directory (onnx_check) importable."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
