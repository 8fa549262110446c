"""The professionalisation contract (EJ20) and Pro-A: rules, services, layout and PDF."""
