"""One renderer per wire format: a round's `BoardState` -> the body the real board would answer."""
