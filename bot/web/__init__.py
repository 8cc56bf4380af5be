"""The one aiohttp application: health, metrics and every platform edge."""
