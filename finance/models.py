"""Financial years, allocations, fund flows and pooled budgets."""
