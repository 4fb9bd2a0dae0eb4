"""Points as series: which may be joined by a line, the analysts' transforms, the second look at a value beside its series."""
