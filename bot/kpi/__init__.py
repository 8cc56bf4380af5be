"""CX KPI data: sources (CSV, SQL, HTTP JSON), a YAML configuration, and the metric definitions."""
