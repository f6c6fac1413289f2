"""Symphony: composable interfaces for machine learning data."""
