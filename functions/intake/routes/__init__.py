"""The REST routes, one router per area; each route reads its validated input, calls one
logic function and returns a model."""
