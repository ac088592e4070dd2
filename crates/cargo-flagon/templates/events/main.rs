// placeholder until the flagon API is known
