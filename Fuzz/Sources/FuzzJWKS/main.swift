import FuzzDriver

FuzzDriver.run { data, size in fuzz(data, size) }
