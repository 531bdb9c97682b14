from tests.engine.tools.loopback import loopback

__all__ = ["loopback"]
