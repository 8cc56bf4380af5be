"""The weekly CX KPI digest: what changed and why it matters, delivered once per week per subscription."""
