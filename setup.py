"""Package discovery for polytile's source layout (no C++ build).

The ``polytile`` package is spread over top-level folders that show the
architecture: ``python/polytile`` (the core), ``dialects/`` and ``passes/``.
Every package under those roots is found here, so no package list is kept by hand;
the rest of the metadata is in pyproject.toml.
"""
from setuptools import find_packages, setup

ROOTS = {
    "polytile": "python/polytile",
    "polytile.dialects": "dialects",
    "polytile.passes": "passes",
}

packages = []
for name, path in ROOTS.items():
    packages.append(name)
    packages += [f"{name}.{sub}" for sub in find_packages(path)]

setup(packages=packages, package_dir=dict(ROOTS))
