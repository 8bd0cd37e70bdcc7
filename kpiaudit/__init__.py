"""kpiaudit: audit the KPIs of public policy plans."""

__version__ = "0.1.0"
