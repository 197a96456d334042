"""What tests share: factories, files to upload, subprocess helpers, the URL walker,
the authorization world, browser helpers. Tests import these, never each other."""
