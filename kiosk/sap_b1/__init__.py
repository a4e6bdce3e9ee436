"""SAP Business One Service Layer client; requests lives here and nowhere else."""
