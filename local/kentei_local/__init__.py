"""The local embedded runtime: moto in server mode, a local API gateway, a queue pump."""
