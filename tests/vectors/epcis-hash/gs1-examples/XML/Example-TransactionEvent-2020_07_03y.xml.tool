error: IndexError: list index out of range
