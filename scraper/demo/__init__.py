"""The offline sample job board of `jobfeed demo` (board.py); nothing here reads or writes the database."""

from scraper.demo.board import BoardState, DemoBoard, DemoJob, Pay, board_state, demo_sources_toml

__all__ = ["BoardState", "DemoBoard", "DemoJob", "Pay", "board_state", "demo_sources_toml"]
