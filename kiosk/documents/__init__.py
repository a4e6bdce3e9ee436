"""Invoice PDFs and payment slips; reportlab lives here and nowhere else."""
