error: Details: {'context': {'cbvmda': 'http://example.com/cbvmda/'}}
