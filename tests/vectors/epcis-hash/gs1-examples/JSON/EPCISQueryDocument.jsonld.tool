error: KeyError: 'event'
