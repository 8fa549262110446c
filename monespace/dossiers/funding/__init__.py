"""Funding computations: what the OPCO would pay for a dossier and why (issue 12).

Every figure comes from dated referential rows (referentials.FundingRate, NpecLevel), read by
``rates.RateBook`` on the day that decides (the contract's conclusion); the rows read are
kept on the commitment (models.FundingCommitment). The same code gives the user's estimate while
typing and the advisor's commitment."""
