"""What operators watch: ``/metrics`` for Prometheus (who may read it: readers.py), each
request's time and status (requests.py), the database pool's use (pool.py), and the
counts the board and accounts areas add at the place each thing happens (instruments.py);
gunicorn.py holds the hooks for several gunicorn workers."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include(".requests")
    config.include(".pool")
    config.include("scratchpad.routes")
    config.scan(".views")
