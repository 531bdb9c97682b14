from tests.agents.factories import provider as provider
from tests.engine.tools.loopback import loopback as loopback
from tests.engine.tools.sandboxes import no_sandbox as no_sandbox
from tests.tools.mcp_servers import mcp_server as mcp_server
from tests.tools.mcp_servers import silent_server as silent_server
