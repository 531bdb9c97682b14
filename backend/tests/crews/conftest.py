from tests.agents.factories import provider as provider
