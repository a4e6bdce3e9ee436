"""A local SAP Business One Service Layer over real HTTP, for tests, benchmarks and the demo."""
