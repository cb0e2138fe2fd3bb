"""The dashboard: server-rendered HTML pages with inline SVG charts; never imports `scraper`."""
