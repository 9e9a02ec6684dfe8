"""Development, test and benchmark tooling. Never installed in production."""
