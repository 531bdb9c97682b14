"""Building blocks shared by every domain: ids, pagination, repository base."""
