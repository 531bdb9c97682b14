from tests.engine.tools.loopback import loopback, second_loopback
from tests.engine.tools.sandboxes import no_sandbox

__all__ = ["loopback", "no_sandbox", "second_loopback"]
