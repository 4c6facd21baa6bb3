error: TypeError: can only concatenate str (not "dict") to str
