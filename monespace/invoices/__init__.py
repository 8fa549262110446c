"""Money of the portal: bank details (RIB) for now; invoices, credit notes and payments come with
the rest of the money issue (docs/architecture.md §6.6)."""
